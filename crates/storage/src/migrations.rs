//! Embedded migrations for both backends, and the data steps SQL cannot do, run right after
//! them.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::models::article_search;
use super::{DbConnection, DbError};
use trellis_content::article_search_text;

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Articles whose search text is derived per statement by [`fill_derived_columns`].
const FILL_BATCH: i64 = 200;

/// Applies every pending migration and returns the versions applied.
pub(crate) fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES),
    }
    .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Fills the columns the migrations add but cannot compute, because they need Rust: the
/// `articles.body_text` of articles written before that column existed (migration
/// `2026-11-29-000007_article_search_text`), derived from their `body_html` by
/// [`article_search_text`], [`FILL_BATCH`] rows per statement. Rows already filled are never
/// read again (a partial index holds the missing ones), so this is a no-op on later starts.
/// Returns how many articles were filled.
pub(crate) fn fill_derived_columns(conn: &mut DbConnection) -> Result<usize, DbError> {
    let mut filled = 0;
    loop {
        let missing = article_search::missing_text(conn, FILL_BATCH)?;
        if missing.is_empty() {
            return Ok(filled);
        }
        let texts: Vec<(i64, String)> = missing
            .into_iter()
            .map(|(id, html)| (id, article_search_text(&html)))
            .collect();
        article_search::set_texts(conn, &texts)?;
        filled += texts.len();
    }
}
