CREATE OR REPLACE FUNCTION refresh_category_price_stats(target BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO category_price_stats (category_id) VALUES (target) ON CONFLICT (category_id) DO NOTHING;
    PERFORM 1 FROM category_price_stats WHERE category_id = target FOR UPDATE;
    UPDATE category_price_stats AS s
    SET (product_count, price_sum, min_price, max_price) = (
        SELECT count(*), coalesce(sum(p.price), 0), min(p.price), max(p.price)
        FROM products p
        WHERE p.category_id = target AND p.status = 'active')
    WHERE s.category_id = target;
END;
$$;
CREATE INDEX products_active_category_price_stock_idx ON products (category_id, price) INCLUDE (stock_quantity)
    WHERE status = 'active';
DROP INDEX products_active_path_price_idx;
DROP TRIGGER categories_paths_to_products ON categories;
DROP FUNCTION categories_pass_paths_to_products();
DROP TRIGGER products_category_path ON products;
DROP FUNCTION products_take_category_path();
ALTER TABLE products DROP COLUMN category_path;
