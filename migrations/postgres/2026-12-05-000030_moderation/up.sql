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

-- The moderator role: users.role accepts it.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'moderator', 'editor', 'member'));
