//! The `trellis` command line: serve, migrate, config check, user management, federation,
//! article import, the directory, moderation and the audit log.

mod article;
mod audit;
mod directory;
mod error;
mod federation;
mod front_matter;
mod moderation;
mod progress;
mod user;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use trellis_config::Config;
use trellis_domain::state::AppState;
use trellis_storage::{Database, OpenMode};

pub use error::CliError;

/// Trellis: federated enterprise social network and intranet.
#[derive(Debug, Parser)]
#[command(name = "trellis", version, about, propagate_version = true)]
pub struct Cli {
    /// TOML configuration file (TRELLIS_* environment variables override it).
    #[arg(long, global = true, value_name = "FILE", env = "TRELLIS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the instance: migrate the database, then serve HTTP until SIGTERM or Ctrl-C.
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage local people.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Inspect federation with other servers.
    #[command(subcommand)]
    Federation(federation::FederationCommand),
    /// Manage intranet articles.
    #[command(subcommand)]
    Article(article::ArticleCommand),
    /// The organisation directory shared with the peer instances.
    #[command(subcommand)]
    Directory(directory::DirectoryCommand),
    /// Handle reports and moderate accounts.
    #[command(subcommand)]
    Moderation(moderation::ModerationCommand),
    /// Print the audit log (admin and moderator actions, provisioning, federation policy
    /// changes), newest first.
    Audit(audit::AuditArgs),
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate the configuration without starting; prints the effective settings.
    Check,
}

/// Parses arguments, runs the command and maps failures to a message and an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve => {
            crate::app::serve_until(config, crate::app::termination_signal()).await?;
            Ok(())
        }
        Command::Migrate => {
            let db = Database::open(&config.database, OpenMode::CreateIfMissing)?;
            let applied = db.migrate().await?;
            if applied.is_empty() {
                println!("database {} is up to date", config.database.redacted());
            } else {
                println!(
                    "applied {} migration(s) to {}: {}",
                    applied.len(),
                    config.database.redacted(),
                    applied.join(", ")
                );
            }
            db.close().await?;
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            println!("configuration is valid");
            println!("  domain:        {}", config.domain);
            println!("  listen:        {}", config.listen);
            println!("  database:      {}", config.database.redacted());
            println!("  allow_http:    {}", config.allow_http);
            println!("  instance name: {}", config.instance.name);
            println!(
                "  registrations: {}",
                config.instance.registrations.as_str()
            );
            Ok(())
        }
        Command::User(command) => {
            let state = open_existing(config).await?;
            let result = user::run(&state, command).await;
            state.db().clone().close().await?;
            result
        }
        Command::Federation(command) => {
            let state = open_existing(config).await?;
            let result = federation::run(&state, command).await;
            state.db().clone().close().await?;
            result
        }
        Command::Article(command) => {
            let state = open_existing(config).await?;
            let result = article::run(&state, command).await;
            state.db().clone().close().await?;
            result
        }
        Command::Directory(command) => {
            let state = open_existing(config).await?;
            let result = directory::run(&state, command).await;
            state.db().clone().close().await?;
            result
        }
        Command::Moderation(command) => {
            let state = open_existing(config).await?;
            let result = moderation::run(&state, command).await;
            state.db().clone().close().await?;
            result
        }
        Command::Audit(args) => {
            let state = open_existing(config).await?;
            let result = audit::run(&state, args).await;
            state.db().clone().close().await?;
            result
        }
    }
}

/// Opens an existing database (never creating one) and brings its schema up to date.
async fn open_existing(config: Config) -> Result<AppState, CliError> {
    let db = Database::open(&config.database, OpenMode::MustExist)?;
    db.migrate().await?;
    Ok(crate::app::new_state(config, db)?)
}

/// Logs go to stderr: human-readable on a terminal, JSON lines when
/// `TRELLIS_LOG_FORMAT=json`; `RUST_LOG` sets the filter (default `info`).
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = std::env::var("TRELLIS_LOG_FORMAT").is_ok_and(|f| f == "json");
    let _ = if json {
        builder.json().try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
}
