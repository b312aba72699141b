-- The active products by category, then price, with their stock: a filtered listing's count (a subtree's
-- categories, a price band, in stock or not) reads this index alone, one range per category, instead of the
-- table. It replaces the index on the category alone, which served the per-category price totals and still does.
-- (Built in the migration's transaction, which holds writes to products while it runs: about a second per
-- 100,000 products.)
CREATE INDEX products_active_category_price_stock_idx ON products (category_id, price) INCLUDE (stock_quantity)
    WHERE status = 'active';
DROP INDEX products_active_category_price_idx;
