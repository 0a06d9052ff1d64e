-- Every actor the instance knows: local people, the instance actor, and remote actors.
CREATE TABLE accounts (
    id BIGINT PRIMARY KEY NOT NULL,
    actor_type TEXT NOT NULL DEFAULT 'Person',
    username TEXT NOT NULL,
    domain TEXT,
    uri TEXT NOT NULL UNIQUE,
    url TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    outbox_url TEXT,
    followers_url TEXT,
    following_url TEXT,
    public_key_id TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT,
    avatar_url TEXT,
    header_url TEXT,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    discoverable BOOLEAN NOT NULL DEFAULT TRUE,
    department TEXT,
    job_title TEXT,
    expertise TEXT NOT NULL DEFAULT '[]',
    fields TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    fetched_at TIMESTAMP
);
-- Local accounts have no domain; one username per domain.
CREATE UNIQUE INDEX accounts_username_domain ON accounts (username, COALESCE(domain, ''));
CREATE INDEX accounts_shared_inbox ON accounts (shared_inbox_url);

-- Credentials and organisation data of local people.
CREATE TABLE users (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'editor', 'member')),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP
);
