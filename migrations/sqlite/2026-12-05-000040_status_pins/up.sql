-- Statuses a person pins to their profile (Mastodon's pinned statuses, at most five each).
CREATE TABLE status_pins (
    account_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, post_id)
);
CREATE INDEX status_pins_post ON status_pins (post_id);
