-- Idempotency-Key of status creation: a retried request returns the status the first one
-- created (kept for an hour, as Mastodon does).
CREATE TABLE status_idempotency (
    account_id BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    post_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
