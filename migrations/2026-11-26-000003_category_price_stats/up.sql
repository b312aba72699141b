-- Price totals of the active products directly in each category, kept in step with `products` by a trigger in
-- the same transaction. Subtree statistics and the tree's product counts then add up at most one row per
-- category instead of scanning every product.

CREATE TABLE category_price_stats (
    category_id   BIGINT PRIMARY KEY REFERENCES categories (id) ON DELETE CASCADE,
    product_count BIGINT NOT NULL DEFAULT 0 CHECK (product_count >= 0),
    price_sum     NUMERIC NOT NULL DEFAULT 0,
    min_price     NUMERIC(10, 2),
    max_price     NUMERIC(10, 2)
);

-- Recomputes one category's row. The row is locked before the products are read, and (READ COMMITTED) the read
-- runs on a snapshot taken after the lock was granted: two transactions changing the same category's products
-- are serialised here and the second sees the first's committed rows, so no total is ever lost.
CREATE FUNCTION refresh_category_price_stats(target BIGINT) RETURNS void
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

CREATE FUNCTION products_refresh_category_price_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM refresh_category_price_stats(OLD.category_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.category_id <> OLD.category_id) THEN
        PERFORM refresh_category_price_stats(NEW.category_id);
    END IF;
    RETURN NULL;
END;
$$;

-- Only the columns that change a total: stock updates (every order) do not fire it.
CREATE TRIGGER products_category_price_stats
    AFTER INSERT OR DELETE OR UPDATE OF price, status, category_id ON products
    FOR EACH ROW EXECUTE FUNCTION products_refresh_category_price_stats();

INSERT INTO category_price_stats (category_id, product_count, price_sum, min_price, max_price)
SELECT category_id, count(*), sum(price), min(price), max(price)
FROM products
WHERE status = 'active'
GROUP BY category_id;

-- Product pages ordered or filtered by price walk this index instead of sorting every match.
CREATE INDEX products_price_idx ON products (price);
