DROP TABLE attempts;

CREATE TABLE login_failures (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    throttle_key VARCHAR(300) NOT NULL,
    failed_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX login_failures_key_time_idx ON login_failures (throttle_key, failed_at);
