ALTER TABLE categories DROP CONSTRAINT categories_level_max;
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);
DROP INDEX products_sku_lower_key;
