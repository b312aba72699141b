-- A number that moves whenever a change to the products could change how many of them a listing's filter
-- matches: a product inserted or deleted, or its status, category (path), price, featured flag, name,
-- description or SKU changed, or its stock crossing zero. A sale that leaves stock above zero does not move it.
--
-- The listing keeps the totals of the filters it counted per instance, with the number they were counted at
-- (`persistence/src/catalogue/product_counts.rs`): a total is reused only while the number is the same, so it is
-- exactly what counting again would give. The number is moved by the writer's own transaction, at most once per
-- transaction, so every snapshot that sees a number sees every change made before it and none made after.
--
-- The triggers are deferred to the commit: the row is locked only from there to the end of the commit, after the
-- transaction has taken every other lock it needs. Moved at the first change instead, an order selling the last
-- unit of one product would hold the row while waiting for the next product's row, which another order selling
-- a last unit holds while waiting for this row: a deadlock.

CREATE TABLE catalogue_version (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (version) VALUES (1);

-- Once per transaction: a bulk upload or a move touching thousands of products writes the row once. The mark is
-- a transaction-local setting, so it ends with the transaction.
CREATE FUNCTION move_catalogue_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('orderflow.catalogue_version_moved', true) IS DISTINCT FROM 'yes' THEN
        UPDATE catalogue_version SET version = version + 1;
        PERFORM set_config('orderflow.catalogue_version_moved', 'yes', true);
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER products_added_or_removed_move_catalogue_version
    AFTER INSERT OR DELETE ON products
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION move_catalogue_version();

-- Evaluated when the row is written, without queueing anything: an order's stock update that leaves stock above
-- zero costs a comparison.
CREATE CONSTRAINT TRIGGER products_changed_move_catalogue_version
    AFTER UPDATE ON products
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.category_path IS DISTINCT FROM NEW.category_path
          OR OLD.price IS DISTINCT FROM NEW.price
          OR OLD.is_featured IS DISTINCT FROM NEW.is_featured
          OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.sku IS DISTINCT FROM NEW.sku
          OR (OLD.stock_quantity > 0) IS DISTINCT FROM (NEW.stock_quantity > 0))
    EXECUTE FUNCTION move_catalogue_version();
