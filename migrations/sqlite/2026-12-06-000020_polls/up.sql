-- Polls attached to posts (Mastodon's polls; ActivityPub Question). One per post, keyed by it.
-- A remote poll keeps the counts its server last sent (cached_counts, a JSON array of numbers,
-- and cached_voters); a local poll's counts are those of its poll_votes rows.
CREATE TABLE polls (
    post_id BIGINT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    options TEXT NOT NULL,
    multiple BOOLEAN NOT NULL,
    hide_totals BOOLEAN NOT NULL,
    expires_at TIMESTAMP,
    closed BOOLEAN NOT NULL,
    cached_counts TEXT,
    cached_voters BIGINT,
    update_due_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX polls_open_expiry ON polls (closed, expires_at);
CREATE INDEX polls_update_due ON polls (update_due_at);
-- Votes: one row per chosen option; uri is the vote's id (a remote voter's Note, or the Note a
-- local voter sent to a remote poll).
CREATE TABLE poll_votes (
    id BIGINT PRIMARY KEY NOT NULL,
    post_id BIGINT NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    choice INTEGER NOT NULL,
    uri TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX poll_votes_voter_choice ON poll_votes (post_id, account_id, choice);
CREATE INDEX poll_votes_account ON poll_votes (account_id);
