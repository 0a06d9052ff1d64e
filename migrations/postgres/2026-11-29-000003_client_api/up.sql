-- Applications registered through POST /api/v1/apps.
CREATE TABLE oauth_applications (
    id BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Authorization codes waiting to be exchanged for a token (stored hashed, short-lived).
CREATE TABLE oauth_authorization_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    application_id BIGINT NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Access tokens (stored hashed); account_id is NULL for client_credentials tokens.
CREATE TABLE oauth_access_tokens (
    id BIGINT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    application_id BIGINT NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX oauth_access_tokens_account ON oauth_access_tokens (account_id);

-- What happened to a local person: follow, follow_request, mention, reblog, favourite, update.
CREATE TABLE notifications (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_post ON notifications (post_id);

-- Home timelines, written when a post arrives (fan-out on write): one row per local reader.
-- origin_account_id is whoever put it there (the author, or the booster for a boost).
CREATE TABLE home_feed (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    origin_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, post_id)
);
CREATE INDEX home_feed_origin ON home_feed (account_id, origin_account_id);
CREATE INDEX home_feed_post ON home_feed (post_id);

-- Lists of accounts a person reads as separate timelines.
CREATE TABLE lists (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    replies_policy TEXT NOT NULL DEFAULT 'list',
    exclusive BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);

CREATE TABLE list_accounts (
    list_id BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX list_accounts_account ON list_accounts (account_id);

-- Reading positions (home, notifications) shared between a person's clients.
CREATE TABLE markers (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline TEXT NOT NULL,
    last_read_id TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, timeline)
);

CREATE TABLE bookmarks (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX bookmarks_pair ON bookmarks (account_id, post_id);
CREATE INDEX bookmarks_post ON bookmarks (post_id);

CREATE TABLE blocks (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uri TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX blocks_pair ON blocks (account_id, target_account_id);
CREATE INDEX blocks_target ON blocks (target_account_id);

CREATE TABLE mutes (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    notifications BOOLEAN NOT NULL DEFAULT TRUE,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mutes_pair ON mutes (account_id, target_account_id);
CREATE INDEX mutes_target ON mutes (target_account_id);

-- Recent changes for streaming clients (update, delete, notification, status.update), tailed by
-- every process; rows older than a few minutes are pruned.
CREATE TABLE stream_events (
    id BIGINT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    post_id BIGINT,
    account_id BIGINT,
    notification_id BIGINT,
    created_at TIMESTAMP NOT NULL
);

-- Timelines: the public and tag timelines read newest first.
CREATE INDEX posts_public ON posts (visibility, local, id);
CREATE INDEX favourites_account ON favourites (account_id, id);
