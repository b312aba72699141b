-- What happened, written in the transaction of the change (one row, whoever is to be told), and expanded into
-- one message per recipient by the notification workers in a transaction of their own: the row is deleted in
-- the transaction that queues its messages, so they are queued exactly once, and only for committed changes.
-- Placement used to write a message per recipient (one per active admin among them) while it held the stock
-- and the day's order counter; now it writes one row.
CREATE TABLE outbox_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('order_placed')),
    order_id   UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_events_order_idx ON outbox_events (order_id);
