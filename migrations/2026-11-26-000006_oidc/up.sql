-- OpenID Connect sign-in.

-- Sign-ins started and not finished (authorization code + PKCE). Kept in Postgres, not in the instance that began
-- them, so any instance can finish the flow; each row is used once and lives 10 minutes.
CREATE TABLE oidc_pending_logins (
    state         VARCHAR(128) PRIMARY KEY,
    nonce         VARCHAR(128) NOT NULL,
    pkce_verifier VARCHAR(128) NOT NULL,
    next_path     TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX oidc_pending_logins_created_idx ON oidc_pending_logins (created_at);

-- Which provider subject is which account: (issuer, subject) is the identity, never the email.
CREATE TABLE oidc_identities (
    issuer      VARCHAR(500) NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    linked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer, subject)
);

CREATE INDEX oidc_identities_customer_idx ON oidc_identities (customer_id);
