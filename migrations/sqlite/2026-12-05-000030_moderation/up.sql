-- Moderation: reports about accounts and their posts (made here or received as a Flag), and
-- suspended and silenced accounts.
CREATE TABLE reports (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    forwarded BOOLEAN NOT NULL DEFAULT FALSE,
    uri TEXT,
    assigned_account_id BIGINT,
    action_taken_at TIMESTAMP,
    action_taken_by_account_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_open ON reports (action_taken_at, id);
CREATE INDEX reports_target ON reports (target_account_id, id);
CREATE INDEX reports_reporter ON reports (account_id, id);
CREATE UNIQUE INDEX reports_uri ON reports (uri);

CREATE TABLE report_statuses (
    report_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    PRIMARY KEY (report_id, post_id)
);

ALTER TABLE accounts ADD COLUMN suspended_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN silenced_at TIMESTAMP;
CREATE INDEX accounts_suspended ON accounts (id) WHERE suspended_at IS NOT NULL;
CREATE INDEX accounts_silenced ON accounts (id) WHERE silenced_at IS NOT NULL;

ALTER TABLE notifications ADD COLUMN report_id BIGINT;

-- The moderator role: users.role accepts it (SQLite changes a CHECK by rebuilding the table).
CREATE TABLE users_with_moderators (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'moderator', 'editor', 'member')),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP
);
INSERT INTO users_with_moderators
    (account_id, email, password_hash, role, disabled, created_at, last_active_at)
    SELECT account_id, email, password_hash, role, disabled, created_at, last_active_at
    FROM users;
DROP TABLE users;
ALTER TABLE users_with_moderators RENAME TO users;
