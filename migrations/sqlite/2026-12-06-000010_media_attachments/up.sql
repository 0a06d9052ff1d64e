-- Files people upload to attach to their statuses (Mastodon's media attachments). A row
-- without a post is an upload not yet attached; old ones are cleaned up.
CREATE TABLE media_attachments (
    id BIGINT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL,
    post_id BIGINT,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_key TEXT NOT NULL,
    thumbnail_key TEXT,
    file_size BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    small_width INTEGER,
    small_height INTEGER,
    blurhash TEXT,
    description TEXT NOT NULL DEFAULT '',
    focus_x REAL NOT NULL DEFAULT 0,
    focus_y REAL NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_attachments_post ON media_attachments (post_id);
CREATE INDEX media_attachments_unattached ON media_attachments (created_at) WHERE post_id IS NULL;
CREATE INDEX media_attachments_account ON media_attachments (account_id);
