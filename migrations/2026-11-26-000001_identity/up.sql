-- Accounts, API tokens and failed-login records.

CREATE TABLE customers (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored as the person typed it; unique and looked up lower-cased (see customers_email_lower_key).
    email               VARCHAR(254) NOT NULL,
    -- NULL for accounts that only sign in through OpenID Connect.
    password_hash       TEXT,
    first_name          VARCHAR(150) NOT NULL,
    last_name           VARCHAR(150) NOT NULL,
    -- E.164, validated by the domain.
    phone_number        VARCHAR(16),
    address             VARCHAR(500) NOT NULL DEFAULT '',
    city                VARCHAR(100) NOT NULL DEFAULT '',
    state               VARCHAR(100) NOT NULL DEFAULT '',
    country             VARCHAR(100) NOT NULL DEFAULT 'Kenya',
    postal_code         VARCHAR(20) NOT NULL DEFAULT '',
    role                VARCHAR(20) NOT NULL DEFAULT 'customer'
                        CONSTRAINT customers_role_check CHECK (role IN ('customer', 'staff', 'admin', 'super_admin')),
    is_verified         BOOLEAN NOT NULL DEFAULT FALSE,
    is_active           BOOLEAN NOT NULL DEFAULT TRUE,
    email_notifications BOOLEAN NOT NULL DEFAULT TRUE,
    sms_notifications   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email));
CREATE INDEX customers_staff_idx ON customers (role) WHERE is_active AND role <> 'customer';
CREATE INDEX customers_created_at_idx ON customers (created_at);

CREATE TABLE api_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- SHA-256 of the key; the key itself is never stored.
    token_hash  BYTEA NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    CONSTRAINT api_tokens_expiry_check CHECK (expires_at > created_at)
);

CREATE INDEX api_tokens_live_by_customer_idx ON api_tokens (customer_id) WHERE revoked_at IS NULL;

-- One row per failed login, per throttle key ('email:<lower-cased email>' or 'address:<client address>'), shared
-- by every instance of the service.
CREATE TABLE login_failures (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    throttle_key VARCHAR(300) NOT NULL,
    failed_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX login_failures_key_time_idx ON login_failures (throttle_key, failed_at);
