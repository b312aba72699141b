ALTER TABLE order_events
    DROP COLUMN actor_id,
    DROP COLUMN recipient_id,
    DROP COLUMN channel;
