-- Account counters, as a client shows them on a profile: accepted followers and follows,
-- posts and boosts, and the time of the latest one, all as known on this instance. The
-- functions that insert, accept and delete follows and posts keep them exact, in the same
-- transaction; reading an account costs no aggregate over follows or posts.
ALTER TABLE accounts ADD COLUMN followers_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN following_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN statuses_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_status_at TIMESTAMP;

UPDATE accounts SET
    followers_count = (SELECT COUNT(*) FROM follows
        WHERE follows.target_account_id = accounts.id AND follows.accepted = TRUE),
    following_count = (SELECT COUNT(*) FROM follows
        WHERE follows.account_id = accounts.id AND follows.accepted = TRUE),
    statuses_count = (SELECT COUNT(*) FROM posts WHERE posts.account_id = accounts.id),
    last_status_at = (SELECT MAX(posts.created_at) FROM posts
        WHERE posts.account_id = accounts.id);

