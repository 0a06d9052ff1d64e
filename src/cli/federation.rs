//! `trellis federation ...`: delivery health, the organisation's peers and domain blocks.

use clap::Subcommand;

use trellis_domain::services::audit::Acting;
use trellis_domain::services::{domain_blocks, peers};
use trellis_domain::state::AppState;
use trellis_storage::models::delivery::queue_by_host;

use super::CliError;

#[derive(Debug, Subcommand)]
pub(super) enum FederationCommand {
    /// Pending, failed and dropped deliveries per remote host, with the host's health.
    Queue,
    /// The federation mode and the organisation's peers.
    Peers,
    /// Allows an instance (`host[:port]`) as a peer, at once and without a restart.
    Allow {
        /// `host[:port]` of the instance.
        authority: String,
    },
    /// Stops allowing a peer allowed with `allow`; its queued deliveries are dropped.
    Deny {
        /// `host[:port]` of the instance.
        authority: String,
    },
    /// Blocks a domain (and its subdomains) and removes its accounts and their content.
    Block {
        /// The host name.
        domain: String,
        /// Why, for the record and the public list of blocks.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Lifts a domain block.
    Unblock {
        /// The host name.
        domain: String,
    },
    /// The blocked domains.
    Blocks,
}

pub(super) async fn run(state: &AppState, command: FederationCommand) -> Result<(), CliError> {
    match command {
        FederationCommand::Peers => {
            let found = peers::list(state).await?;
            println!("mode: {}", state.config().federation.mode.as_str());
            if found.configured.is_empty() && found.allowed.is_empty() {
                println!("no peers");
            }
            for peer in &found.configured {
                println!("{peer:<40} configured");
            }
            for peer in &found.allowed {
                println!(
                    "{:<40} allowed {}",
                    peer.authority,
                    peer.created_at.format("%Y-%m-%d %H:%M")
                );
            }
            Ok(())
        }
        FederationCommand::Allow { authority } => {
            let (peer, new) = peers::allow(state, &Acting::cli(), &authority).await?;
            if new {
                println!("allowed {}", peer.authority);
            } else {
                println!("{} was already allowed", peer.authority);
            }
            Ok(())
        }
        FederationCommand::Deny { authority } => {
            if peers::deny(state, &Acting::cli(), &authority).await? {
                println!("{authority} is no longer a peer; deliveries queued to it are dropped");
                Ok(())
            } else {
                Err(CliError::Failed(format!(
                    "{authority} is not a peer allowed at run time"
                )))
            }
        }
        FederationCommand::Block { domain, reason } => {
            let blocked = domain_blocks::block(state, &Acting::cli(), &domain, reason).await?;
            println!(
                "blocked {} ({} accounts removed)",
                blocked.block.domain, blocked.accounts_removed
            );
            Ok(())
        }
        FederationCommand::Unblock { domain } => {
            if domain_blocks::unblock(state, &Acting::cli(), &domain).await? {
                println!("unblocked {domain}");
                Ok(())
            } else {
                Err(CliError::Failed(format!("{domain} is not blocked")))
            }
        }
        FederationCommand::Blocks => {
            let blocks = domain_blocks::list(state).await?;
            if blocks.is_empty() {
                println!("no blocked domains");
            }
            for block in blocks {
                println!(
                    "{:<40} {} {}",
                    block.domain,
                    block.created_at.format("%Y-%m-%d %H:%M"),
                    block.reason.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
        FederationCommand::Queue => {
            let hosts = state.db().read(queue_by_host).await?;
            if hosts.is_empty() {
                println!("no deliveries recorded");
                return Ok(());
            }
            let now = chrono::Utc::now().naive_utc();
            println!(
                "{:<32} {:>8} {:>7} {:>8} {:>10} {:>9}  {:<8} LAST ERROR",
                "HOST", "PENDING", "FAILED", "DROPPED", "DELIVERED", "FAILURES", "CIRCUIT"
            );
            for host in hosts {
                let circuit = match host.open_until {
                    Some(until) if until > now => "open",
                    _ => "closed",
                };
                println!(
                    "{:<32} {:>8} {:>7} {:>8} {:>10} {:>9}  {:<8} {}",
                    host.host,
                    host.pending,
                    host.failed,
                    host.dropped,
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
