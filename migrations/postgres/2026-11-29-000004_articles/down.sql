DROP TABLE article_acknowledgements;
DROP TABLE article_revisions;
DROP TABLE article_tags;
DROP TABLE articles;
DROP TABLE article_categories;
