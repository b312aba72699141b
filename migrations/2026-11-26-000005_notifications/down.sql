DROP TABLE notification_workers;
DROP TABLE notifications;
