DROP INDEX posts_reblog_of;
DROP INDEX article_categories_channel;
ALTER TABLE article_categories DROP COLUMN channel_account_id;
