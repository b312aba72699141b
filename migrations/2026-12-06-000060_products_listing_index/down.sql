CREATE INDEX products_active_category_price_idx ON products (category_id) INCLUDE (price) WHERE status = 'active';
DROP INDEX products_active_category_price_stock_idx;
