-- The organisation directory: where a person works (department and job title exist already),
-- and, for remote people, the peer whose directory lists them (NULL: not listed by any).
ALTER TABLE accounts ADD COLUMN location TEXT;
ALTER TABLE accounts ADD COLUMN directory_peer TEXT;
-- A refresh finds the people one peer listed; the directory lists the people of every peer.
CREATE INDEX accounts_directory_peer ON accounts (directory_peer) WHERE directory_peer IS NOT NULL;
-- Local people in the directory ("new" is the id order, "active" the last post).
CREATE INDEX accounts_local_directory ON accounts (last_status_at, id) WHERE domain IS NULL;
-- Account search matches the start of a name or department, case-insensitively (LIKE 'x%').
CREATE INDEX accounts_department_lower ON accounts (lower(department));
CREATE INDEX accounts_display_name_lower ON accounts (lower(display_name));
CREATE INDEX accounts_username_lower ON accounts (lower(username));
