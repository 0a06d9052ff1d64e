-- Search reads plain text, not Markdown: `body_text` is the visible text of the sanitized
-- body (no markup, no link URLs, image alt text kept), written with `body_html` by the
-- application. NULL marks rows written before this column existed: right after the
-- migrations, start-up (`Database::migrate`) derives their text from `body_html`; until
-- then the index keeps reading their Markdown.
ALTER TABLE articles ADD COLUMN body_text TEXT;
CREATE INDEX articles_body_text_missing ON articles (id) WHERE body_text IS NULL;

DROP TRIGGER articles_search_insert;
DROP TRIGGER articles_search_update;

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, coalesce(new.body_text, new.body_markdown));
END;

CREATE TRIGGER articles_search_update
    AFTER UPDATE OF title, summary, body_markdown, body_text ON articles BEGIN
    DELETE FROM articles_search WHERE rowid = old.id;
    INSERT INTO articles_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, coalesce(new.body_text, new.body_markdown));
END;
