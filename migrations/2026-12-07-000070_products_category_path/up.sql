-- Each product carries its category's path, so the products of a subtree are one range of an index instead of
-- one range per category: a filtered listing of a large subtree counts its matches in one index scan, and its
-- statements no longer carry the subtree's category ids (thousands of constants to plan on every request).
--
-- The path is derived, never written by the application: a trigger takes it from `categories` whenever a
-- product is inserted or its category set, and a move of categories passes their new paths on to their products
-- in the same statement.
--
-- Deploying it: the migration's transaction rewrites every product once and holds the table meanwhile (reads and
-- writes of products wait): about 5–10 s per 100,000 products on a 2-core machine.

ALTER TABLE products ADD COLUMN category_path TEXT COLLATE "C";
UPDATE products p SET category_path = c.path FROM categories c WHERE c.id = p.category_id;
ALTER TABLE products ALTER COLUMN category_path SET NOT NULL;

-- FOR SHARE: a move of the category in progress is waited for, and the path it commits is the one read; a move
-- that starts later waits for this transaction and then rewrites this product itself. (Product writers also take
-- the category tree's advisory lock in shared mode first, so this wait never closes a cycle with a move.)
-- A missing category leaves an empty path for the foreign key to refuse at the end of the statement.
CREATE FUNCTION products_take_category_path() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.path INTO NEW.category_path FROM categories c WHERE c.id = NEW.category_id FOR SHARE;
    IF NOT FOUND THEN
        NEW.category_path := '';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER products_category_path
    BEFORE INSERT OR UPDATE OF category_id, category_path ON products
    FOR EACH ROW EXECUTE FUNCTION products_take_category_path();

-- Only categories whose path changed (a move; a rename changes none) touch their products.
CREATE FUNCTION categories_pass_paths_to_products() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products p
    SET category_path = moved.path
    FROM moved JOIN before_move ON before_move.id = moved.id
    WHERE p.category_id = moved.id AND moved.path <> before_move.path;
    RETURN NULL;
END;
$$;

CREATE TRIGGER categories_paths_to_products
    AFTER UPDATE ON categories
    REFERENCING OLD TABLE AS before_move NEW TABLE AS moved
    FOR EACH STATEMENT EXECUTE FUNCTION categories_pass_paths_to_products();

-- The active products by category path, then price, with their stock: a subtree is one range of this index, and
-- its count for a price band and a stock bound is an index-only scan. One category's products are one equal
-- path, so the category's price totals read it too.
CREATE INDEX products_active_path_price_idx ON products (category_path, price) INCLUDE (stock_quantity)
    WHERE status = 'active';
DROP INDEX products_active_category_price_stock_idx;

-- As before (locks, snapshot), but the category's products are read through the index above.
CREATE OR REPLACE FUNCTION refresh_category_price_stats(target BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO category_price_stats (category_id) VALUES (target) ON CONFLICT (category_id) DO NOTHING;
    PERFORM 1 FROM category_price_stats WHERE category_id = target FOR UPDATE;
    UPDATE category_price_stats AS s
    SET (product_count, price_sum, min_price, max_price) = (
        SELECT count(*), coalesce(sum(p.price), 0), min(p.price), max(p.price)
        FROM products p
        WHERE p.category_path = (SELECT c.path FROM categories c WHERE c.id = target)
          AND p.status = 'active')
    WHERE s.category_id = target;
END;
$$;
