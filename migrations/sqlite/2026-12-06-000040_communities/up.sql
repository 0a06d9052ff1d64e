-- Communities: Group actors (accounts rows without a users row) whose members post.
CREATE TABLE communities (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    posting TEXT NOT NULL,
    membership TEXT NOT NULL,
    visibility TEXT NOT NULL,
    archived_at TIMESTAMP,
    created_by BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- The moderators of a community, local or remote.
CREATE TABLE community_moderators (
    community_id BIGINT NOT NULL REFERENCES communities (account_id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, account_id)
);
CREATE INDEX community_moderators_account ON community_moderators (account_id);
-- The posts a community carries: thread starts (thread_id = post_id) and their replies.
CREATE TABLE community_posts (
    post_id BIGINT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities (account_id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL,
    title TEXT
);
CREATE INDEX community_posts_threads ON community_posts (community_id, thread_id, post_id);
