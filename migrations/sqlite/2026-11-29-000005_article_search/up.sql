-- Full-text search over articles: an FTS5 index of title, summary and body (Markdown), one
-- row per article with rowid = articles.id, kept in sync by triggers. PostgreSQL uses a
-- generated tsvector column instead (no stemming, case folded, accents kept).
CREATE VIRTUAL TABLE articles_search USING fts5 (
    title,
    summary,
    body,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO articles_search (rowid, title, summary, body)
    SELECT id, title, summary, body_markdown FROM articles;

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body_markdown);
END;

CREATE TRIGGER articles_search_update AFTER UPDATE OF title, summary, body_markdown ON articles BEGIN
    DELETE FROM articles_search WHERE rowid = old.id;
    INSERT INTO articles_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body_markdown);
END;

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_search WHERE rowid = old.id;
END;
