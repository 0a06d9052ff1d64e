//! The command line's error type: a message and an exit code.

use crate::app::AppError;
use trellis_config::ConfigError;
use trellis_domain::services::ServiceError;
use trellis_storage::DbError;

/// A failed command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Invalid configuration (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Invalid input on the command line or stdin (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The operation was refused or failed (exit code 1).
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Storage failed (exit code 1).
    #[error(transparent)]
    Db(#[from] DbError),
    /// The command ran but achieved nothing (exit code 1).
    #[error("{0}")]
    Failed(String),
    /// The server could not start or stop (exit code 1).
    #[error(transparent)]
    App(#[from] AppError),
}

impl CliError {
    /// 2 for configuration and usage errors, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config(_) | CliError::Usage(_) => 2,
            CliError::Service(ServiceError::Invalid { .. }) => 2,
            // An unusable certificate or key file is a configuration error too.
            CliError::App(AppError::Tls(_) | AppError::Media(_)) => 2,
            _ => 1,
        }
    }
}
