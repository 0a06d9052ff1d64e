//! The SQLite and PostgreSQL migrations produce the same tables, columns, nullability
//! and named indexes, apart from the full-text search objects each backend implements its
//! own way (listed below and checked to exist where they belong).

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use trellis::config::DatabaseUrl;
use trellis::db::{Database, DbConnection, OpenMode};

use crate::common;

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    index_name: String,
}

type Columns = BTreeSet<(String, String, bool)>;

const SQLITE_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, \
     (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'";
const SQLITE_INDEXES: &str = "SELECT name AS index_name FROM sqlite_master \
     WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'";
const POSTGRES_COLUMNS: &str = "SELECT table_name::text, column_name::text, \
     (is_nullable = 'YES') AS nullable FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'";
const POSTGRES_INDEXES: &str = "SELECT indexname::text AS index_name FROM pg_indexes \
     WHERE schemaname = 'public' AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'";

/// Full-text search over articles is backend-specific: on SQLite an FTS5 virtual table and
/// the shadow tables FTS5 creates for it; on PostgreSQL a generated tsvector column with a
/// GIN index. These objects, and only these, are left out of the comparison; each must
/// exist on its own backend.
const SQLITE_ONLY_TABLES: &[&str] = &[
    "articles_search",
    "articles_search_config",
    "articles_search_content",
    "articles_search_data",
    "articles_search_docsize",
    "articles_search_idx",
];
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("articles", "search_vector")];
const POSTGRES_ONLY_INDEXES: &[&str] = &["articles_search_vector"];

/// Removes the backend-specific search objects, failing if one of them is missing.
fn without_search_objects(
    (mut columns, mut indexes): (Columns, BTreeSet<String>),
    sqlite: bool,
) -> (Columns, BTreeSet<String>) {
    if sqlite {
        for table in SQLITE_ONLY_TABLES {
            let before = columns.len();
            columns.retain(|(t, _, _)| t != table);
            assert!(
                columns.len() < before,
                "SQLite search table {table} missing"
            );
        }
    } else {
        for (table, column) in POSTGRES_ONLY_COLUMNS {
            let before = columns.len();
            columns.retain(|(t, c, _)| !(t == table && c == column));
            assert!(
                columns.len() < before,
                "PostgreSQL search column {table}.{column} missing"
            );
        }
        for index in POSTGRES_ONLY_INDEXES {
            assert!(
                indexes.remove(*index),
                "PostgreSQL search index {index} missing"
            );
        }
    }
    (columns, indexes)
}

async fn describe(url: &str) -> (Columns, BTreeSet<String>) {
    let db = Database::open(&DatabaseUrl::parse(url).unwrap(), OpenMode::CreateIfMissing).unwrap();
    db.migrate().await.unwrap();
    db.read(|conn| {
        let (columns_sql, indexes_sql) = match conn {
            DbConnection::Sqlite(_) => (SQLITE_COLUMNS, SQLITE_INDEXES),
            DbConnection::Postgres(_) => (POSTGRES_COLUMNS, POSTGRES_INDEXES),
        };
        let columns = diesel::sql_query(columns_sql)
            .load::<ColumnRow>(conn)?
            .into_iter()
            .map(|r| (r.table_name, r.column_name, r.nullable))
            .collect();
        let indexes = diesel::sql_query(indexes_sql)
            .load::<IndexRow>(conn)?
            .into_iter()
            .map(|r| r.index_name)
            .collect();
        Ok((columns, indexes))
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let Ok(admin) = std::env::var("TRELLIS_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("TRELLIS_REQUIRE_POSTGRES").is_err(),
            "TRELLIS_TEST_DATABASE_URL must be set when TRELLIS_REQUIRE_POSTGRES is"
        );
        eprintln!("schema parity needs PostgreSQL: set TRELLIS_TEST_DATABASE_URL");
        return;
    };
    assert!(!admin.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let sqlite = without_search_objects(
        describe(&format!("sqlite://{}", dir.path().join("s.db").display())).await,
        true,
    );
    // Migrated here, not copied from the test template: the schema the migrations make.
    let pg_db = common::TestDb::empty();
    assert!(pg_db.is_postgres());
    let postgres = without_search_objects(describe(&pg_db.url).await, false);

    assert!(
        sqlite.0.iter().any(|(t, _, _)| t == "accounts"),
        "the query sees tables"
    );
    let only_sqlite: Vec<_> = sqlite.0.difference(&postgres.0).collect();
    let only_postgres: Vec<_> = postgres.0.difference(&sqlite.0).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "columns differ: only in SQLite {only_sqlite:?}, only in PostgreSQL {only_postgres:?}"
    );
    assert_eq!(sqlite.1, postgres.1, "named indexes differ");
}
