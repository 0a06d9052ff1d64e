-- Intranet articles: an instance-defined taxonomy, the articles, their hashtags, every revision
-- and the acknowledgements of must-read articles.
CREATE TABLE article_categories (
    id BIGINT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

-- status: draft, published or archived. post_id is the status that carries a published
-- article to timelines (its replies are the article's discussion).
CREATE TABLE articles (
    id BIGINT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    category_id BIGINT REFERENCES article_categories (id),
    author_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    official BOOLEAN NOT NULL DEFAULT FALSE,
    must_read BOOLEAN NOT NULL DEFAULT FALSE,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    review_by DATE,
    post_id BIGINT UNIQUE REFERENCES posts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX articles_category ON articles (category_id, id);
CREATE INDEX articles_author ON articles (author_id, id);
CREATE INDEX articles_owner ON articles (owner_id, id);
CREATE INDEX articles_status ON articles (status, id);
CREATE INDEX articles_official ON articles (official, id);
CREATE INDEX articles_review_by ON articles (review_by);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (article_id, name)
);
CREATE INDEX article_tags_name ON article_tags (name, article_id);

-- A snapshot written by every create and edit: who changed what, and when.
CREATE TABLE article_revisions (
    id BIGINT PRIMARY KEY NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    editor_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    change_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions (article_id, id);

-- Readers who acknowledged a must-read article; uri is the remote activity, when federated.
CREATE TABLE article_acknowledgements (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    uri TEXT,
    PRIMARY KEY (article_id, account_id)
);
CREATE INDEX article_acknowledgements_account ON article_acknowledgements (account_id);
