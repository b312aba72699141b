-- Bounds on what clients can store.

-- SKUs are unique whatever their letter case: RAKE-001 and rake-001 are one SKU. Existing duplicates cannot be
-- merged automatically (they may be different products); the migration stops and names them.
DO $$
DECLARE
    clashes TEXT;
BEGIN
    SELECT string_agg(skus, '; ') INTO clashes
    FROM (
        SELECT string_agg(sku, ', ' ORDER BY sku) AS skus
        FROM products
        GROUP BY lower(sku)
        HAVING count(*) > 1
    ) AS duplicates;
    IF clashes IS NOT NULL THEN
        RAISE EXCEPTION 'SKUs that differ only in letter case must be renamed before this migration: %', clashes;
    END IF;
END
$$;

CREATE UNIQUE INDEX products_sku_lower_key ON products (lower(sku));
ALTER TABLE products DROP CONSTRAINT products_sku_key;

-- At most 100 levels (0 to 99): the deepest path then fits the btree entry of categories_path_key. The service
-- refuses deeper trees with a 400 first; this is the last line. NOT VALID: rows written before are not re-read.
ALTER TABLE categories
    ADD CONSTRAINT categories_level_max CHECK (level < 100) NOT VALID;
