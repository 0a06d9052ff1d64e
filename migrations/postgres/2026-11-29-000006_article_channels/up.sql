-- Channels: every category has a Group actor (an `accounts` row without a `users` row) that
-- people on any instance follow; it announces the articles filed under the category. The
-- instance-wide channel is found by its configured name, so it needs no column.
ALTER TABLE article_categories ADD COLUMN channel_account_id BIGINT;
CREATE UNIQUE INDEX article_categories_channel ON article_categories (channel_account_id);

-- Boosts of a post: channel boosts, feed de-duplication, reblogged_by, cascading deletes.
CREATE INDEX posts_reblog_of ON posts (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
