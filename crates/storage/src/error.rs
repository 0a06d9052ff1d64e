//! The storage layer's error type.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database could not be opened or reached.
    #[error("cannot open database {url}: {reason}")]
    Connect {
        /// The database URL with any password hidden.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// No connection became available from the pool.
    #[error("database connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A query failed.
    #[error("database query: {0}")]
    Query(#[from] diesel::result::Error),
    /// Applying migrations failed.
    #[error("database migration: {0}")]
    Migration(String),
    /// The blocking task running a query was cancelled or panicked.
    #[error("database task: {0}")]
    Task(String),
}

impl DbError {
    /// True when a unique constraint rejected the write.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}
