DROP INDEX notifications_sms_recipient_idx;
DROP INDEX notifications_sms_address_idx;
DELETE FROM notifications WHERE status = 'suppressed';
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sent', 'failed'));
