-- An order's history names accounts by id, so that what the order's owner may see of it (the domain's
-- `OrderEvent::as_seen_by_owner`) is decided on ids, not on addresses or texts:
--   actor_id      the account that did it; NULL for the service itself (`system`).
--   recipient_id  for a notification's outcome, the account the message was addressed to;
--   channel       and the channel it went by.
-- Not foreign keys: the history outlives what it names (accounts are deactivated, never deleted, and ids are
-- never reused).
ALTER TABLE order_events
    ADD COLUMN actor_id BIGINT,
    ADD COLUMN recipient_id BIGINT,
    ADD COLUMN channel VARCHAR(10) CONSTRAINT order_events_channel_check CHECK (channel IN ('sms', 'email'));

-- Lines written before. A placement was always made by the order's owner.
UPDATE order_events e SET actor_id = o.customer_id
FROM orders o
WHERE o.id = e.order_id AND e.event_type = 'placed';

-- Any other action: the account with the recorded email (unique in any letter case). An address no account has
-- any longer stays NULL, which the owner's view shows as `staff`.
UPDATE order_events e SET actor_id = c.id
FROM customers c
WHERE e.actor_id IS NULL AND e.actor <> 'system' AND lower(c.email) = lower(e.actor);

-- A delivery's line began with the message's channel, address and subject ("sms to +2547...: Subject", then
-- "; attempt..." when it failed): the order's outbox row with the same three gives the recipient. A line that
-- matches none stays without a recipient, and the owner's view leaves it out.
UPDATE order_events e SET recipient_id = n.recipient_id, channel = n.channel
FROM notifications n
WHERE e.event_type IN ('notification_sent', 'notification_failed')
  AND n.order_id = e.order_id
  AND (e.note = n.channel || ' to ' || n.address || ': ' || n.subject
       OR starts_with(e.note, n.channel || ' to ' || n.address || ': ' || n.subject || '; '));
