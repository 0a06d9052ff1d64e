//! `trellis federation ...`: delivery health.

use clap::Subcommand;

use trellis_domain::state::AppState;
use trellis_storage::models::delivery::queue_by_host;

use super::CliError;

#[derive(Debug, Subcommand)]
pub(super) enum FederationCommand {
    /// Pending and failed deliveries per remote host, with the host's health.
    Queue,
}

pub(super) async fn run(state: &AppState, command: FederationCommand) -> Result<(), CliError> {
    match command {
        FederationCommand::Queue => {
            let hosts = state.db().read(queue_by_host).await?;
            if hosts.is_empty() {
                println!("no deliveries recorded");
                return Ok(());
            }
            let now = chrono::Utc::now().naive_utc();
            println!(
                "{:<32} {:>8} {:>7} {:>10} {:>9}  {:<8} LAST ERROR",
                "HOST", "PENDING", "FAILED", "DELIVERED", "FAILURES", "CIRCUIT"
            );
            for host in hosts {
                let circuit = match host.open_until {
                    Some(until) if until > now => "open",
                    _ => "closed",
                };
                println!(
                    "{:<32} {:>8} {:>7} {:>10} {:>9}  {:<8} {}",
                    host.host,
                    host.pending,
                    host.failed,
                    host.delivered,
                    host.consecutive_failures,
                    circuit,
                    host.last_error.as_deref().unwrap_or("-"),
                );
            }
            Ok(())
        }
    }
}
