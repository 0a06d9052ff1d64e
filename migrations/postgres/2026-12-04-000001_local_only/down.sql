ALTER TABLE articles DROP COLUMN local_only;
ALTER TABLE posts DROP COLUMN local_only;
