-- Orders, their lines and history, the per-day order-number counters, and idempotency keys.

CREATE TABLE orders (
    id                UUID PRIMARY KEY,
    order_number      VARCHAR(30) NOT NULL CONSTRAINT orders_order_number_key UNIQUE,
    -- RESTRICT: accounts are deactivated, never deleted, so their orders stay on the books.
    customer_id       BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    status            VARCHAR(20) NOT NULL CONSTRAINT orders_status_check CHECK (status IN
                      ('pending', 'confirmed', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded')),
    -- 100 lines of 10,000 units at 99,999,999.99 fit.
    total_amount      NUMERIC(18, 2) NOT NULL CONSTRAINT orders_total_check CHECK (total_amount > 0),
    shipping_address  TEXT NOT NULL,
    billing_address   TEXT NOT NULL,
    phone_number      VARCHAR(16) NOT NULL,
    notes             TEXT NOT NULL DEFAULT '',
    is_paid           BOOLEAN NOT NULL DEFAULT FALSE,
    payment_method    VARCHAR(50) NOT NULL DEFAULT '',
    payment_reference VARCHAR(100) NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC);

CREATE TABLE order_items (
    id           UUID PRIMARY KEY,
    order_id     UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- RESTRICT: a product that was sold cannot be deleted (discontinue it); the line keeps its snapshot anyway.
    product_id   UUID NOT NULL CONSTRAINT order_items_product_fkey REFERENCES products (id) ON DELETE RESTRICT,
    product_name VARCHAR(200) NOT NULL,
    product_sku  VARCHAR(50) NOT NULL,
    quantity     INTEGER NOT NULL CONSTRAINT order_items_quantity_check CHECK (quantity BETWEEN 1 AND 10000),
    unit_price   NUMERIC(10, 2) NOT NULL CONSTRAINT order_items_unit_price_check CHECK (unit_price > 0),
    subtotal     NUMERIC(15, 2) NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT order_items_order_product_key UNIQUE (order_id, product_id)
);

CREATE INDEX order_items_product_idx ON order_items (product_id);

-- One row per UTC day: incremented inside the placing transaction, so numbers are consecutive and never collide
-- (a rolled-back placement rolls its increment back too).
CREATE TABLE order_number_counters (
    day        DATE PRIMARY KEY,
    last_value INTEGER NOT NULL CHECK (last_value > 0)
);

-- The append-only history of each order.
CREATE TABLE order_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    event_type  VARCHAR(40) NOT NULL,
    from_status VARCHAR(20),
    to_status   VARCHAR(20),
    actor       VARCHAR(254) NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- Idempotency-Key of POST orders/, per customer, kept 24 hours; written in the order's own transaction.
CREATE TABLE idempotency_keys (
    customer_id     BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash    BYTEA NOT NULL,
    order_id        UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (customer_id, idempotency_key)
);

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
