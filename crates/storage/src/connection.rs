//! One connection type over both backends, picked at run time from the database URL.

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

/// A connection to either SQLite or PostgreSQL; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The embedded default.
    Sqlite(SqliteConnection),
    /// Production and scale-out.
    Postgres(PgConnection),
}
