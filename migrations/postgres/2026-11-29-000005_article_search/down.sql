DROP INDEX articles_search_vector;
ALTER TABLE articles DROP COLUMN search_vector;
