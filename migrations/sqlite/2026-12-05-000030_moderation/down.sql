UPDATE users SET role = 'member' WHERE role = 'moderator';
CREATE TABLE users_without_moderators (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'editor', 'member')),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP
);
INSERT INTO users_without_moderators
    (account_id, email, password_hash, role, disabled, created_at, last_active_at)
    SELECT account_id, email, password_hash, role, disabled, created_at, last_active_at
    FROM users;
DROP TABLE users;
ALTER TABLE users_without_moderators RENAME TO users;
ALTER TABLE notifications DROP COLUMN report_id;
DROP INDEX accounts_silenced;
DROP INDEX accounts_suspended;
ALTER TABLE accounts DROP COLUMN silenced_at;
ALTER TABLE accounts DROP COLUMN suspended_at;
DROP TABLE report_statuses;
DROP TABLE reports;
