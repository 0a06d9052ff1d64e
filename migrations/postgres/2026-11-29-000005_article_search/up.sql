-- Full-text search over articles: a generated tsvector of title (weight A), summary (B) and
-- body (Markdown, C) with a GIN index. SQLite uses an FTS5 table instead. The 'simple'
-- configuration matches SQLite's tokenizer: no stemming, no stop words.
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', summary), 'B')
    || setweight(to_tsvector('simple', body_markdown), 'C')
) STORED;
CREATE INDEX articles_search_vector ON articles USING GIN (search_vector);
