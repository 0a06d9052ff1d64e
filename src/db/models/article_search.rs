//! Full-text search over articles' titles, summaries and bodies: SQLite FTS5 (the
//! `articles_search` table) and PostgreSQL full-text (the `articles.search_vector` column)
//! behind one interface.
//!
//! User input never reaches either query language as syntax: it is split into words of
//! letters and digits, and each word is quoted as a prefix term; all words must match.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::{DbConnection, DbError};

/// Most words of a query that are used.
pub const MAX_TERMS: usize = 16;
/// Marks the start of a matched word in [`SearchHit::snippet`].
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched word in [`SearchHit::snippet`].
pub const MATCH_END: char = '\u{3}';

/// A published article that matches a search.
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

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
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
pub fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A PostgreSQL `to_tsquery` text: every term as a quoted prefix lexeme (`'word':*`), all
/// required.
pub fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("'{}':*", t.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" & ")
}

const SQLITE_SEARCH: &str = "SELECT a.id AS article_id, \
     snippet(articles_search, -1, char(2), char(3), '…', 24) AS snippet \
     FROM articles_search JOIN articles a ON a.id = articles_search.rowid \
     WHERE articles_search MATCH ? AND a.status = 'published' \
     ORDER BY articles_search.rank, a.id DESC LIMIT ? OFFSET ?";

const POSTGRES_SEARCH: &str = "SELECT a.id AS article_id, \
     ts_headline('simple', a.title || ' — ' || a.summary || ' — ' || a.body_markdown, q, \
     'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12') AS snippet \
     FROM articles a, to_tsquery('simple', $1) q \
     WHERE a.search_vector @@ q AND a.status = 'published' \
     ORDER BY ts_rank(a.search_vector, q) DESC, a.id DESC LIMIT $2 OFFSET $3";

const SQLITE_IDS: &str = "SELECT rowid AS id FROM articles_search \
     WHERE articles_search MATCH ? ORDER BY rowid DESC LIMIT ?";

const POSTGRES_IDS: &str = "SELECT id FROM articles \
     WHERE search_vector @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT $2";

/// Published articles matching `query`, best matches first. A query without words matches
/// nothing.
pub fn search(
    conn: &mut DbConnection,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<SearchHit>, DbError> {
    let terms = terms(query);
    if terms.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let offset = offset.max(0);
    Ok(match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(SQLITE_SEARCH)
            .bind::<Text, _>(fts5_query(&terms))
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(c)?,
        DbConnection::Postgres(c) => diesel::sql_query(POSTGRES_SEARCH)
            .bind::<Text, _>(tsquery(&terms))
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(c)?,
    })
}

/// Ids of the articles (of any status) matching `query`, newest first, at most `limit`: the
/// full-text filter of article lists.
pub fn matching_ids(conn: &mut DbConnection, query: &str, limit: i64) -> Result<Vec<i64>, DbError> {
    let terms = terms(query);
    if terms.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<IdRow> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(SQLITE_IDS)
            .bind::<Text, _>(fts5_query(&terms))
            .bind::<BigInt, _>(limit)
            .load(c)?,
        DbConnection::Postgres(c) => diesel::sql_query(POSTGRES_IDS)
            .bind::<Text, _>(tsquery(&terms))
            .bind::<BigInt, _>(limit)
            .load(c)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
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
