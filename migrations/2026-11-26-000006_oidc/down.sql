DROP TABLE oidc_identities;
DROP TABLE oidc_pending_logins;
