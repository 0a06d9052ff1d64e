-- Conversations (Mastodon's direct-message conversations): each direct post's thread root,
-- and per local participant the conversation's latest post, other participants and whether
-- it is unread.
CREATE TABLE direct_threads (
    post_id BIGINT PRIMARY KEY NOT NULL,
    root_id BIGINT NOT NULL
);
CREATE INDEX direct_threads_root ON direct_threads (root_id);

CREATE TABLE account_conversations (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL,
    root_id BIGINT NOT NULL,
    last_post_id BIGINT NOT NULL,
    participant_ids TEXT NOT NULL,
    unread BOOLEAN NOT NULL,
    UNIQUE (account_id, root_id)
);
CREATE INDEX account_conversations_latest ON account_conversations (account_id, last_post_id);
CREATE INDEX account_conversations_root ON account_conversations (root_id);
