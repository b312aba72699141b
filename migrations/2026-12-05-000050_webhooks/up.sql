-- Webhooks: endpoints admins register, and one delivery row per (event, subscribed active endpoint), delivered by
-- the notification workers with the same claims and leases as the notification queue.
CREATE TABLE webhook_endpoints (
    id                         UUID PRIMARY KEY,
    url                        VARCHAR(2000) NOT NULL,
    -- Event names, or {'*'} for all of them.
    events                     TEXT[] NOT NULL CONSTRAINT webhook_endpoints_events_check
                               CHECK (cardinality(events) BETWEEN 1 AND 20),
    description                VARCHAR(500) NOT NULL DEFAULT '',
    -- 'whsec_' + base64; shown to the admin once.
    secret                     VARCHAR(100) NOT NULL,
    -- The secret replaced by the last rotation, still signing (beside the new one) until it expires.
    previous_secret            VARCHAR(100),
    previous_secret_expires_at TIMESTAMPTZ,
    is_active                  BOOLEAN NOT NULL DEFAULT true,
    created_at                 TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL,
    CONSTRAINT webhook_endpoints_previous_check
        CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (created_at DESC, id DESC);

CREATE TABLE webhook_deliveries (
    id               UUID PRIMARY KEY,
    endpoint_id      UUID NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type       VARCHAR(40) NOT NULL,
    -- What the event is about (none for webhook.test). No foreign key: the record of a delivery outlives an
    -- order or product deleted later.
    order_id         UUID,
    product_id       UUID,
    -- The `webhook-id` header, the same on every attempt, so receivers can drop duplicates.
    message_id       VARCHAR(64) NOT NULL CONSTRAINT webhook_deliveries_message_id_key UNIQUE,
    -- For an order event: the order's changing columns as they were when it happened (the rest of an order
    -- never changes), which the body shows instead of the order's later values.
    state            JSONB,
    -- The exact body sent: written at the first attempt (or when queued, for a test) and never changed after,
    -- so every retry sends and signs the same bytes.
    body             TEXT,
    status           VARCHAR(10) NOT NULL DEFAULT 'pending'
                     CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    -- Attempts made (claims), the one in progress included.
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    -- While pending: when it is due; a claim moves it to the end of the lease. NULL once sent or failed.
    next_attempt_at  TIMESTAMPTZ,
    locked_by        VARCHAR(100),
    -- When the change happened (deliveries are listed and sent in this order).
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL,
    CONSTRAINT webhook_deliveries_pending_due_check CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

-- One pending delivery of `event` per active endpoint subscribed to it (by name or '*'), in the caller's
-- transaction. Written as triggers below so that every change that reports an event queues its deliveries in
-- its own transaction (a rolled-back change queues nothing) without the use cases, nor order placement's single
-- guarded statement, doing anything more: with no endpoint this is one look-up of an empty table.
CREATE FUNCTION webhook_queue(event_name TEXT, about_order UUID, about_product UUID, happened TIMESTAMPTZ,
                              state JSONB)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO webhook_deliveries (id, endpoint_id, event_type, order_id, product_id, message_id, state, status,
                                    next_attempt_at, created_at, updated_at)
    SELECT gen_random_uuid(), e.id, event_name, about_order, about_product,
           'msg_' || replace(gen_random_uuid()::text, '-', ''), state, 'pending', happened, happened, now()
    FROM webhook_endpoints e
    WHERE e.is_active AND e.events && ARRAY['*', event_name]
$$;

-- What of an order changes after its placement, as it is now.
CREATE FUNCTION webhook_order_state(about UUID) RETURNS JSONB LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('status', status, 'is_paid', is_paid, 'payment_method', payment_method,
                              'payment_reference', payment_reference, 'shipping_address', shipping_address,
                              'billing_address', billing_address, 'phone_number', phone_number, 'notes', notes,
                              'updated_at', updated_at)
    FROM orders WHERE id = about
$$;

-- order.created: when a worker expands the placement's outbox event (its DELETE, in the worker's transaction),
-- not in the placement itself, which holds the products' locks and the day's order counter. Exactly once, since
-- the event is deleted exactly once; none when the order itself is being deleted (the cascade runs after the
-- order is gone).
CREATE FUNCTION webhook_order_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM orders WHERE id = OLD.order_id) THEN
        PERFORM webhook_queue('order.created', OLD.order_id, NULL, OLD.created_at,
                              webhook_order_state(OLD.order_id));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_events_webhook AFTER DELETE ON outbox_events
    FOR EACH ROW WHEN (OLD.kind = 'order_placed') EXECUTE FUNCTION webhook_order_created();

-- order.status_changed / order.cancelled / order.paid: from the history line every such change writes in its
-- transaction.
CREATE FUNCTION webhook_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_queue(
        CASE
            WHEN NEW.event_type = 'paid' THEN 'order.paid'
            WHEN NEW.to_status = 'cancelled' THEN 'order.cancelled'
            ELSE 'order.status_changed'
        END,
        NEW.order_id, NULL, NEW.created_at, webhook_order_state(NEW.order_id));
    RETURN NULL;
END
$$;
CREATE TRIGGER order_events_webhook AFTER INSERT ON order_events
    FOR EACH ROW WHEN (NEW.event_type IN ('status_changed', 'paid')) EXECUTE FUNCTION webhook_order_changed();

-- product.low_stock: an order taking a product's stock from 10 or more to fewer (the default threshold of
-- products/low_stock/). A placement changes the stock alone, while an admin's edit of a product also moves its
-- updated_at: that tells them apart without touching the placement's statement. The WHEN clause is evaluated
-- without calling the function, so other stock changes cost nothing.
CREATE FUNCTION webhook_low_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_queue('product.low_stock', NULL, NEW.id, now(), NULL);
    RETURN NULL;
END
$$;
CREATE TRIGGER products_webhook_low_stock AFTER UPDATE OF stock_quantity ON products
    FOR EACH ROW WHEN (OLD.stock_quantity >= 10 AND NEW.stock_quantity < 10
                       AND OLD.updated_at IS NOT DISTINCT FROM NEW.updated_at)
    EXECUTE FUNCTION webhook_low_stock();
