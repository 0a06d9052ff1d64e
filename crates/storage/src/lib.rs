//! Storage: diesel over SQLite (embedded default) and PostgreSQL, one code path for both.
//!
//! Invariant: nothing above this module names a backend; queries run on a blocking thread
//! through [`Database::read`] and [`Database::write`].

mod connection;
mod error;
pub mod ids;
pub mod migrations;
pub mod models;
pub mod page;
pub mod schema;
mod stored_enum;

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};

pub use connection::DbConnection;
pub use error::DbError;

use trellis_config::DatabaseUrl;

/// Rows per multi-row `INSERT`: with a few columns each, far below SQLite's (32,766) and
/// PostgreSQL's (65,535) limits on bind parameters per statement, whatever the caller's list.
pub const INSERT_CHUNK: usize = 1000;

/// Runs the same diesel statement on the concrete connection of either backend, for statements
/// that `MultiConnection` cannot express (batch inserts, row locking).
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Sqlite($c) => $body,
            $crate::DbConnection::Postgres($c) => $body,
        }
    };
}
pub(crate) use per_backend;

type DbPool = Pool<ConnectionManager<DbConnection>>;

/// Which database engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Connection pools for reads and writes. On SQLite writes go through one connection
/// (SQLite has a single writer); on PostgreSQL both pools are the same.
#[derive(Clone)]
pub struct Database {
    reader: DbPool,
    writer: DbPool,
    backend: Backend,
}

/// Whether a missing SQLite file may be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and its folder) when absent.
    CreateIfMissing,
    /// Fail when the file does not exist.
    MustExist,
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl Database {
    /// Opens the database named by `url`.
    pub fn open(url: &DatabaseUrl, mode: OpenMode) -> Result<Self, DbError> {
        let connect_error = |reason: String| DbError::Connect {
            url: url.redacted(),
            reason,
        };
        match url {
            DatabaseUrl::Sqlite(path) => {
                if !path.exists() {
                    if mode == OpenMode::MustExist {
                        return Err(connect_error(
                            "the file does not exist (run `trellis migrate` to create it)".into(),
                        ));
                    }
                    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| connect_error(e.to_string()))?;
                    }
                }
                let file = path.to_string_lossy().to_string();
                let build = |size: u32| {
                    Pool::builder()
                        .max_size(size)
                        .connection_timeout(Duration::from_secs(10))
                        .connection_customizer(Box::new(SqlitePragmas))
                        .build(ConnectionManager::new(file.as_str()))
                        .map_err(|e| connect_error(e.to_string()))
                };
                let writer = build(1)?;
                let reader = build(4)?;
                Ok(Self {
                    reader,
                    writer,
                    backend: Backend::Sqlite,
                })
            }
            DatabaseUrl::Postgres(pg) => {
                // One direct connection first: the pool would retry silently until its timeout
                // and report only a generic error.
                diesel::PgConnection::establish(pg).map_err(|e| connect_error(e.to_string()))?;
                let pool = Pool::builder()
                    .max_size(10)
                    .connection_timeout(Duration::from_secs(10))
                    .build(ConnectionManager::new(pg.as_str()))
                    .map_err(|e| connect_error(e.to_string()))?;
                Ok(Self {
                    reader: pool.clone(),
                    writer: pool,
                    backend: Backend::Postgres,
                })
            }
        }
    }

    /// The engine behind this database.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations, then fills what they could not compute
    /// ([`migrations::fill_derived_columns`]); returns the versions applied. Start-up,
    /// `trellis migrate` and every other command run it.
    pub async fn migrate(&self) -> Result<Vec<String>, DbError> {
        self.write(|conn| {
            let applied = migrations::run_pending(conn)?;
            let filled = migrations::fill_derived_columns(conn)?;
            if filled > 0 {
                tracing::info!(articles = filled, "derived the search text of articles");
            }
            Ok(applied)
        })
        .await
    }

    /// Runs a read-only closure on a pooled connection on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        Self::run(self.reader.clone(), f).await
    }

    /// Runs a closure that writes, on the writer connection, on a blocking thread.
    /// The closure opens its own transaction where several statements must commit together.
    pub async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        Self::run(self.writer.clone(), f).await
    }

    /// Runs a find-or-insert closure like [`Self::write`], and once more when a unique
    /// constraint rejects it: on PostgreSQL two concurrent transactions can both find nothing
    /// and insert the same row (an activity and a fetch of its object arriving together); the
    /// second run finds the row the other one committed.
    pub async fn write_or_find<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, DbError> + Clone + Send + 'static,
    {
        match self.write(f.clone()).await {
            Err(e) if e.is_unique_violation() => self.write(f).await,
            outcome => outcome,
        }
    }

    async fn run<T, F>(pool: DbPool, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Checks that the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.read(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await
    }

    /// Flushes the SQLite write-ahead log into the main file before shutdown.
    pub async fn close(self) -> Result<(), DbError> {
        if self.backend == Backend::Sqlite {
            self.write(|conn| {
                conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
                Ok(())
            })
            .await?;
        }
        drop(self.reader);
        drop(self.writer);
        Ok(())
    }
}
