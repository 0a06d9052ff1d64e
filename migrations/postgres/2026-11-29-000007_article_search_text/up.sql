-- Search reads plain text, not Markdown: `body_text` is the visible text of the sanitized
-- body (no markup, no link URLs, image alt text kept), written with `body_html` by the
-- application. NULL marks rows written before this column existed: right after the
-- migrations, start-up (`Database::migrate`) derives their text from `body_html`; until
-- then the search vector keeps reading their Markdown. Weights as before: title A,
-- summary B, body C.
ALTER TABLE articles ADD COLUMN body_text TEXT;
CREATE INDEX articles_body_text_missing ON articles (id) WHERE body_text IS NULL;

DROP INDEX articles_search_vector;
ALTER TABLE articles DROP COLUMN search_vector;
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', summary), 'B')
    || setweight(to_tsvector('simple', coalesce(body_text, body_markdown)), 'C')
) STORED;
CREATE INDEX articles_search_vector ON articles USING GIN (search_vector);
