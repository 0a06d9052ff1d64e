-- Single sign-on with OpenID Connect.
-- oidc_identities links a person to their identity at a provider: the issuer and the subject
-- (`sub`) of its ID tokens, never the email address.
CREATE TABLE oidc_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_account ON oidc_identities (account_id);
-- A sign-in under way: the hash of its `state`, with the nonce and PKCE verifier it was
-- started with and where to return. Taken (deleted) once by the callback; expires quickly.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at);
