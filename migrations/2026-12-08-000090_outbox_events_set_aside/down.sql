ALTER TABLE outbox_events
    DROP CONSTRAINT outbox_events_set_aside_with_a_reason,
    DROP COLUMN set_aside_because,
    DROP COLUMN set_aside_at;
