-- Browser sign-ins: one row per signed-in browser. Only a SHA-256 hash of the cookie's random
-- token is stored; a row ends at sign-out, at expiry, or when its person's password changes or
-- the person is disabled.
CREATE TABLE web_sessions (
    id BIGINT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_account ON web_sessions (account_id, expires_at);
