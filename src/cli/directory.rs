//! `trellis directory refresh`: fetch every peer's directory now, as the running instance
//! does every `federation.directory_refresh`.

use clap::Subcommand;

use trellis_domain::state::AppState;
use trellis_federation::context::http_client;
use trellis_federation::directory::refresh_all;

use super::CliError;
use crate::app::AppError;

#[derive(Debug, Subcommand)]
pub(super) enum DirectoryCommand {
    /// Fetch the directory of every peer now and show what changed.
    Refresh,
}

pub(super) async fn run(state: &AppState, command: DirectoryCommand) -> Result<(), CliError> {
    match command {
        DirectoryCommand::Refresh => {
            let client = http_client(state).map_err(AppError::from)?;
            let federation = crate::app::federation(state, client).await?;
            let outcomes = refresh_all(&federation.to_request_data()).await;
            if outcomes.is_empty() {
                println!("no peers configured (TRELLIS_FEDERATION_PEERS)");
                return Ok(());
            }
            let mut failed = 0;
            for outcome in &outcomes {
                match outcome.listed {
                    Some(listed) => println!(
                        "{}: {listed} listed, {} no longer listed, {} skipped",
                        outcome.peer,
                        outcome.unlisted,
                        outcome.problems.len()
                    ),
                    None => {
                        failed += 1;
                        println!(
                            "{}: not refreshed: {}",
                            outcome.peer,
                            outcome.problems.join("; ")
                        );
                    }
                }
            }
            if failed == outcomes.len() {
                return Err(CliError::Failed("no peer's directory could be read".into()));
            }
            Ok(())
        }
    }
}
