//! Full-text search over articles' titles, summaries and body text: SQLite FTS5 (the
//! `articles_search` table) and PostgreSQL full-text (the `articles.search_vector` column)
//! behind one interface.
//!
//! The body is indexed as plain text (`articles.body_text`, the visible text of the sanitized
//! HTML), so excerpts show what readers see, never Markdown or link URLs.
//!
//! User input never reaches either query language as syntax: it is split into words of
//! letters and digits, and each word is quoted as a prefix term; all words must match.
//!
//! Ranking, the same on both backends and for every caller (the API's `q`, the search
//! page): articles whose title contains every word come first; then the weighted relevance
//! (title 1.0, summary 0.4, body 0.2: PostgreSQL's default `ts_rank` weights of the
//! `setweight` labels A, B and C, and the same ratios as FTS5 `bm25` column weights); then
//! the newest. Results are paged by offset, since ranks are not ids.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Double, Float, Text};

use crate::models::article::{Article, ArticleFilter, filtered_articles};
use crate::schema::articles;
use crate::{DbConnection, DbError, per_backend};

diesel::table! {
    /// SQLite only: the FTS5 index (columns `title`, `summary`, `body`), one row per article
    /// with `rowid` = `articles.id`, kept by triggers. Declared for the ranked query alone.
    articles_search (rowid) {
        /// The article's id.
        rowid -> BigInt,
    }
}

/// Most words of a query that are used.
pub const MAX_TERMS: usize = 16;
/// Marks the start of a matched word in [`SearchHit::snippet`].
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched word in [`SearchHit::snippet`].
pub const MATCH_END: char = '\u{3}';

/// FTS5 relevance (lower is better) with the column weights of PostgreSQL's `ts_rank`.
const SQLITE_RELEVANCE: &str = "bm25(articles_search, 5.0, 2.0, 1.0)";

/// An excerpt of a matching article.
#[derive(Clone, Debug, PartialEq, Eq, QueryableByName)]
pub struct SearchHit {
    /// The article.
    #[diesel(sql_type = BigInt)]
    pub article_id: i64,
    /// An excerpt of plain (unescaped) text around the matches, each match between
    /// [`MATCH_START`] and [`MATCH_END`].
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

/// The words of a query: runs of letters and digits, lower-cased, at most [`MAX_TERMS`].
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .take(MAX_TERMS)
        .collect()
}

/// An FTS5 MATCH expression: every term as a quoted prefix phrase (`"word"*`), all required.
pub(crate) fn fts5_query(terms: &[String]) -> String {
    fts5_terms(terms, "")
}

/// [`fts5_query`] restricted to the title column (`title : "word"*`).
pub(crate) fn fts5_title_query(terms: &[String]) -> String {
    fts5_terms(terms, "title : ")
}

fn fts5_terms(terms: &[String], column: &str) -> String {
    terms
        .iter()
        .map(|t| format!("{column}\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A PostgreSQL `to_tsquery` text: every term as a quoted prefix lexeme (`'word':*`), all
/// required.
pub(crate) fn tsquery(terms: &[String]) -> String {
    tsquery_terms(terms, "")
}

/// [`tsquery`] restricted to lexemes of weight A, the title (`'word':*A`).
pub(crate) fn title_tsquery(terms: &[String]) -> String {
    tsquery_terms(terms, "A")
}

fn tsquery_terms(terms: &[String], weight: &str) -> String {
    terms
        .iter()
        .map(|t| {
            format!(
                "'{}':*{weight}",
                t.replace('\\', "\\\\").replace('\'', "''")
            )
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Articles matching `filter` and every word of `query`, best first (see the module docs),
/// `limit` of them after skipping `offset`. A query without words matches nothing.
pub fn ranked(
    conn: &mut DbConnection,
    filter: &ArticleFilter,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Article>, DbError> {
    let terms = terms(query);
    if terms.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let offset = offset.max(0);
    let ids: Vec<i64> = match conn {
        DbConnection::Sqlite(c) => articles_search::table
            .select(articles_search::rowid)
            .filter(sql::<Bool>("articles_search MATCH ").bind::<Text, _>(fts5_query(&terms)))
            // The unary `+` keeps SQLite from looking each candidate up in the index (which
            // would rank every one on its own): the candidates filter the matches instead.
            .filter(
                sql::<BigInt>("+articles_search.rowid")
                    .eq_any(filtered_articles!(filter).select(articles::id)),
            )
            .order((
                sql::<Bool>("articles_search.rowid IN (SELECT rowid FROM articles_search(")
                    .bind::<Text, _>(fts5_title_query(&terms))
                    .sql("))")
                    .desc(),
                sql::<Double>(SQLITE_RELEVANCE).asc(),
                articles_search::rowid.desc(),
            ))
            .limit(limit)
            .offset(offset)
            .load(c)?,
        DbConnection::Postgres(c) => filtered_articles!(filter)
            .select(articles::id)
            .filter(
                sql::<Bool>("articles.search_vector @@ to_tsquery('simple', ")
                    .bind::<Text, _>(tsquery(&terms))
                    .sql(")"),
            )
            .order((
                sql::<Bool>("articles.search_vector @@ to_tsquery('simple', ")
                    .bind::<Text, _>(title_tsquery(&terms))
                    .sql(")")
                    .desc(),
                sql::<Float>("ts_rank(articles.search_vector, to_tsquery('simple', ")
                    .bind::<Text, _>(tsquery(&terms))
                    .sql("))")
                    .desc(),
                articles::id.desc(),
            ))
            .limit(limit)
            .offset(offset)
            .load(c)?,
    };
    let mut rows: HashMap<i64, Article> = Article::by_ids(conn, &ids)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
}

const SQLITE_SNIPPETS: &str = "SELECT rowid AS article_id, \
     snippet(articles_search, -1, char(2), char(3), '…', 24) AS snippet \
     FROM articles_search \
     WHERE articles_search MATCH ? AND rowid IN (SELECT value FROM json_each(?))";

const POSTGRES_SNIPPETS: &str = "SELECT a.id AS article_id, \
     ts_headline('simple', \
         a.title || ' — ' || a.summary || ' — ' || coalesce(a.body_text, a.body_markdown), \
         to_tsquery('simple', $1), \
         'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12') \
         AS snippet \
     FROM articles a WHERE a.id = ANY($2)";

/// Excerpts of the articles `ids` around the words of `query`, by article id (articles that
/// do not match have none).
pub fn snippets(
    conn: &mut DbConnection,
    query: &str,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbError> {
    let terms = terms(query);
    if terms.is_empty() || ids.is_empty() {
        return Ok(HashMap::new());
    }
    let hits: Vec<SearchHit> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(SQLITE_SNIPPETS)
            .bind::<Text, _>(fts5_query(&terms))
            .bind::<Text, _>(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
            .load(c)?,
        DbConnection::Postgres(c) => diesel::sql_query(POSTGRES_SNIPPETS)
            .bind::<Text, _>(tsquery(&terms))
            .bind::<Array<BigInt>, _>(ids)
            .load(c)?,
    };
    Ok(hits
        .into_iter()
        .map(|h| (h.article_id, h.snippet))
        .collect())
}

/// `(id, body_html)` of at most `limit` articles whose `body_text` has not been derived yet
/// (written before the column existed), oldest first.
pub(crate) fn missing_text(
    conn: &mut DbConnection,
    limit: i64,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(articles::table
        .filter(articles::body_text.is_null())
        .select((articles::id, articles::body_html))
        .order(articles::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Writes the `body_text` of several articles in one statement.
pub(crate) fn set_texts(conn: &mut DbConnection, texts: &[(i64, String)]) -> Result<(), DbError> {
    if texts.is_empty() {
        return Ok(());
    }
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    let mut count = 0;
    let mut placeholder = || {
        count += 1;
        if sqlite {
            "?".to_string()
        } else {
            format!("${count}")
        }
    };
    let mut statement = String::from("UPDATE articles SET body_text = CASE id");
    for _ in texts {
        let (id, text) = (placeholder(), placeholder());
        statement.push_str(&format!(" WHEN {id} THEN {text}"));
    }
    let ids: Vec<String> = texts.iter().map(|_| placeholder()).collect();
    statement.push_str(&format!(" END WHERE id IN ({})", ids.join(", ")));
    per_backend!(conn, |c| {
        let mut update = diesel::sql_query(&statement).into_boxed();
        for (id, text) in texts {
            update = update.bind::<BigInt, _>(*id).bind::<Text, _>(text);
        }
        for (id, _) in texts {
            update = update.bind::<BigInt, _>(*id);
        }
        update.execute(c)
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_input_becomes_quoted_words() {
        let words = terms(r#""foo* OR ( bar:baz NEAR/2 -x ^y 'z'' \"#);
        assert_eq!(
            words,
            ["foo", "or", "bar", "baz", "near", "2", "x", "y", "z"]
        );
        assert_eq!(fts5_query(&words[..3]), r#""foo"* AND "or"* AND "bar"*"#);
        assert_eq!(tsquery(&words[..2]), "'foo':* & 'or':*");
        assert_eq!(
            fts5_title_query(&words[..2]),
            r#"title : "foo"* AND title : "or"*"#
        );
        assert_eq!(title_tsquery(&words[..2]), "'foo':*A & 'or':*A");
    }

    #[test]
    fn quotes_inside_terms_are_doubled() {
        let odd = vec!["a\"b".to_string(), "c'd\\".to_string()];
        assert_eq!(fts5_query(&odd), r#""a""b"* AND "c'd\"*"#);
        assert_eq!(tsquery(&odd), r#"'a"b':* & 'c''d\\':*"#);
    }

    #[test]
    fn queries_without_words_are_empty() {
        assert!(terms(" *()\"' ").is_empty());
        assert_eq!(terms("Ça Übersicht 2026").len(), 3);
        assert_eq!(terms(&"w ".repeat(100)).len(), MAX_TERMS);
    }
}
