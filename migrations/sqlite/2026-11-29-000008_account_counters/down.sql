ALTER TABLE accounts DROP COLUMN last_status_at;
ALTER TABLE accounts DROP COLUMN statuses_count;
ALTER TABLE accounts DROP COLUMN following_count;
ALTER TABLE accounts DROP COLUMN followers_count;
