-- Notes (and later Articles) written here or received from other instances; boosts are rows
-- with reblog_of_id set and the Announce id as uri.
CREATE TABLE posts (
    id BIGINT PRIMARY KEY NOT NULL,
    uri TEXT NOT NULL UNIQUE,
    url TEXT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    object_type TEXT NOT NULL DEFAULT 'Note',
    in_reply_to_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    in_reply_to_uri TEXT,
    in_reply_to_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    reblog_of_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    content TEXT NOT NULL DEFAULT '',
    source_text TEXT,
    summary TEXT NOT NULL DEFAULT '',
    sensitive BOOLEAN NOT NULL DEFAULT FALSE,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),
    language TEXT,
    attachments TEXT NOT NULL DEFAULT '[]',
    local BOOLEAN NOT NULL,
    replies_count BIGINT NOT NULL DEFAULT 0,
    favourites_count BIGINT NOT NULL DEFAULT 0,
    reblogs_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX posts_account ON posts (account_id, id);
CREATE INDEX posts_in_reply_to ON posts (in_reply_to_id);
CREATE INDEX posts_in_reply_to_uri ON posts (in_reply_to_uri);
CREATE UNIQUE INDEX posts_one_reblog ON posts (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;

-- Accounts a post addresses by mention (its audience when direct).
CREATE TABLE post_mentions (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, account_id)
);
CREATE INDEX post_mentions_account ON post_mentions (account_id, post_id);

CREATE TABLE post_tags (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (post_id, name)
);
CREATE INDEX post_tags_name ON post_tags (name, post_id);

-- account_id follows target_account_id; pending until accepted.
CREATE TABLE follows (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uri TEXT NOT NULL UNIQUE,
    accepted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX follows_pair ON follows (account_id, target_account_id);
CREATE INDEX follows_target ON follows (target_account_id, accepted);

CREATE TABLE favourites (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    uri TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX favourites_pair ON favourites (account_id, post_id);
CREATE INDEX favourites_post ON favourites (post_id);

-- Ids of deleted local objects, answered with 410 Gone and a Tombstone.
CREATE TABLE tombstones (
    uri TEXT PRIMARY KEY NOT NULL,
    former_type TEXT NOT NULL,
    deleted_at TIMESTAMP NOT NULL
);

-- Ids of activities already processed, so a redelivered activity changes nothing.
CREATE TABLE received_activities (
    activity_id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX received_activities_time ON received_activities (received_at);

-- The transactional outbox: an activity to send, and one delivery row per target inbox.
CREATE TABLE outbound_activities (
    id BIGINT PRIMARY KEY NOT NULL,
    activity_id TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE deliveries (
    id BIGINT PRIMARY KEY NOT NULL,
    outbound_activity_id BIGINT NOT NULL REFERENCES outbound_activities (id) ON DELETE CASCADE,
    inbox_url TEXT NOT NULL,
    host TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    failed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (failed_at, next_attempt_at);
CREATE INDEX deliveries_host ON deliveries (host);
CREATE INDEX deliveries_activity ON deliveries (outbound_activity_id);

-- Health of each remote host, for the circuit breaker and `trellis federation queue`.
CREATE TABLE delivery_hosts (
    host TEXT PRIMARY KEY NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    open_until TIMESTAMP,
    delivered_count BIGINT NOT NULL DEFAULT 0,
    last_success_at TIMESTAMP,
    last_failure_at TIMESTAMP
);
