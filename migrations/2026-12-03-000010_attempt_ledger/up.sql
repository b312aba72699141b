-- Attempts counted against limits (failed logins, registrations, sign-ins started, old-password guesses), shared
-- by every instance. Keys are SHA-256 digests of their text: fixed length whatever the email or address.
-- Failures recorded before this migration are dropped: they are minutes-long throttling state, not data.
DROP TABLE login_failures;

CREATE TABLE attempts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_digest BYTEA NOT NULL CONSTRAINT attempts_key_digest_length CHECK (length(key_digest) = 32),
    -- One attempt counts against several keys (an email and an address): released together.
    attempt    UUID NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);

CREATE INDEX attempts_key_at_idx ON attempts (key_digest, at);
CREATE INDEX attempts_attempt_idx ON attempts (attempt);
CREATE INDEX attempts_at_idx ON attempts (at);
