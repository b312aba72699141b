DROP TRIGGER products_webhook_low_stock ON products;
DROP TRIGGER order_events_webhook ON order_events;
DROP TRIGGER outbox_events_webhook ON outbox_events;
DROP FUNCTION webhook_low_stock();
DROP FUNCTION webhook_order_changed();
DROP FUNCTION webhook_order_created();
DROP FUNCTION webhook_queue(TEXT, UUID, UUID, TIMESTAMPTZ);
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
