DROP INDEX products_price_idx;
DROP TRIGGER products_category_price_stats ON products;
DROP FUNCTION products_refresh_category_price_stats();
DROP FUNCTION refresh_category_price_stats(BIGINT);
DROP TABLE category_price_stats;
