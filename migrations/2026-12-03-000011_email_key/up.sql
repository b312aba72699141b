-- One normalised form of every email, computed in one place (the service: EmailAddress::normalized, Unicode
-- lower case) and stored beside the address as typed. Uniqueness and every look-up use it, so that the service
-- and the database can never disagree on which account an address names (Postgres's lower() follows the
-- database's locale, Rust's follows Unicode: `İ` lowers to `i` in one and to `i̇` in the other).
ALTER TABLE customers ADD COLUMN email_key TEXT;
-- Existing addresses are almost always ASCII, where both agree.
UPDATE customers SET email_key = lower(email);
ALTER TABLE customers ALTER COLUMN email_key SET NOT NULL;
CREATE UNIQUE INDEX customers_email_key_key ON customers (email_key);
DROP INDEX customers_email_lower_key;
