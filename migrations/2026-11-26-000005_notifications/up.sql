-- The notification outbox: rows are written in the transaction of the change they report (so they exist exactly
-- when it does), then delivered at least once by workers on any number of machines.
CREATE TABLE notifications (
    id                  UUID PRIMARY KEY,
    channel             VARCHAR(10) NOT NULL CONSTRAINT notifications_channel_check CHECK (channel IN ('sms', 'email')),
    recipient_id        BIGINT REFERENCES customers (id) ON DELETE SET NULL,
    recipient_name      VARCHAR(301) NOT NULL,
    -- The phone number or email address used, as it was when the message was queued.
    address             VARCHAR(254) NOT NULL,
    order_id            UUID REFERENCES orders (id) ON DELETE CASCADE,
    subject             VARCHAR(255) NOT NULL,
    body                TEXT NOT NULL,
    status              VARCHAR(10) NOT NULL DEFAULT 'pending'
                        CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sent', 'failed')),
    -- Attempts made (claims), the one in progress included.
    attempts            INTEGER NOT NULL DEFAULT 0,
    -- While pending: when it is due. A worker's claim moves it to the end of the lease, so a message whose worker
    -- died is simply due again then. NULL once sent or failed.
    next_attempt_at     TIMESTAMPTZ,
    locked_by           VARCHAR(100),
    sent_at             TIMESTAMPTZ,
    error_message       TEXT NOT NULL DEFAULT '',
    provider_message_id VARCHAR(255) NOT NULL DEFAULT '',
    cost_currency       VARCHAR(5),
    cost_amount         NUMERIC(12, 4),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CONSTRAINT notifications_pending_due_check CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);

-- What the workers claim: due pending messages, oldest first.
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC);
CREATE INDEX notifications_order_idx ON notifications (order_id);
CREATE INDEX notifications_created_idx ON notifications (created_at DESC);

-- Delivery workers, as they last reported (for `orderflow worker-status`).
CREATE TABLE notification_workers (
    id           VARCHAR(100) PRIMARY KEY,
    host         VARCHAR(255) NOT NULL,
    pid          INTEGER NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);

-- Failed messages are few, and counted often (dashboard, worker-status).
CREATE INDEX notifications_failed_idx ON notifications (created_at) WHERE status = 'failed';
