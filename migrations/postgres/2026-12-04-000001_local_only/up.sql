-- Department-only posts and articles: shown to people of this instance only, never
-- delivered or served to other servers.
ALTER TABLE posts ADD COLUMN local_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE articles ADD COLUMN local_only BOOLEAN NOT NULL DEFAULT FALSE;
