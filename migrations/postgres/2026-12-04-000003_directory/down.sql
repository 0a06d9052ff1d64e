DROP INDEX accounts_username_lower;
DROP INDEX accounts_display_name_lower;
DROP INDEX accounts_department_lower;
DROP INDEX accounts_local_directory;
DROP INDEX accounts_directory_peer;
ALTER TABLE accounts DROP COLUMN directory_peer;
ALTER TABLE accounts DROP COLUMN location;
