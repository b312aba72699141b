CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email));
DROP INDEX customers_email_key_key;
ALTER TABLE customers DROP COLUMN email_key;
