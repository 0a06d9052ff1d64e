DROP INDEX articles_search_vector;
ALTER TABLE articles DROP COLUMN search_vector;
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', summary), 'B')
    || setweight(to_tsvector('simple', body_markdown), 'C')
) STORED;
CREATE INDEX articles_search_vector ON articles USING GIN (search_vector);

DROP INDEX articles_body_text_missing;
ALTER TABLE articles DROP COLUMN body_text;
