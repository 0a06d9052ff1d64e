-- Keyword filters (Mastodon's v2 filters): a person's named filter, the contexts it applies
-- to and what it does, its keywords and the statuses it names.
CREATE TABLE filters (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    contexts TEXT NOT NULL,
    action TEXT NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX filters_account ON filters (account_id);

CREATE TABLE filter_keywords (
    id BIGINT PRIMARY KEY NOT NULL,
    filter_id BIGINT NOT NULL,
    keyword TEXT NOT NULL,
    whole_word BOOLEAN NOT NULL
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id);

CREATE TABLE filter_statuses (
    id BIGINT PRIMARY KEY NOT NULL,
    filter_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    UNIQUE (filter_id, post_id)
);
