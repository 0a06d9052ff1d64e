ALTER TABLE notifications DROP COLUMN report_id;
DROP INDEX accounts_silenced;
DROP INDEX accounts_suspended;
ALTER TABLE accounts DROP COLUMN silenced_at;
ALTER TABLE accounts DROP COLUMN suspended_at;
DROP TABLE report_statuses;
DROP TABLE reports;
