DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_insert;

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body_markdown);
END;

CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown ON articles BEGIN
    DELETE FROM articles_search WHERE rowid = old.id;
    INSERT INTO articles_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body_markdown);
END;

DELETE FROM articles_search;
INSERT INTO articles_search (rowid, title, summary, body)
    SELECT id, title, summary, body_markdown FROM articles;

DROP INDEX articles_body_text_missing;
ALTER TABLE articles DROP COLUMN body_text;
