-- An event the workers cannot expand (its order or customer row damaged, say) is set aside with the reason
-- instead of failing every batch it is taken in: one such row used to stop every notification after it. The
-- workers skip it; an operator who mended the cause puts it back with
--   UPDATE outbox_events SET set_aside_at = NULL, set_aside_because = NULL WHERE id = ...;
ALTER TABLE outbox_events
    ADD COLUMN set_aside_at TIMESTAMPTZ,
    ADD COLUMN set_aside_because TEXT CHECK (length(set_aside_because) <= 2000),
    ADD CONSTRAINT outbox_events_set_aside_with_a_reason
        CHECK ((set_aside_at IS NULL) = (set_aside_because IS NULL));
