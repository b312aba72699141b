-- Text messages over a cap (per number per hour, per customer per day) are kept as `suppressed`, with the reason
-- in error_message, and never sent.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'suppressed'));

-- The caps count recent SMS by number and by customer when a message is queued (suppressed ones do not count,
-- and are left out of the indexes so that a number texted thousands of times costs no more to count).
CREATE INDEX notifications_sms_address_idx ON notifications (address, created_at)
    WHERE channel = 'sms' AND status <> 'suppressed';
CREATE INDEX notifications_sms_recipient_idx ON notifications (recipient_id, created_at)
    WHERE channel = 'sms' AND status <> 'suppressed';
