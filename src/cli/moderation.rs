//! `trellis moderation ...`: list and resolve reports, suspend, unsuspend, silence and
//! unsilence accounts. Every action is recorded in the audit log as done by the command line.

use clap::Subcommand;

use trellis_domain::services::audit::Acting;
use trellis_domain::services::moderation::{self, AccountAction, handle};
use trellis_domain::services::reports::{self, ReportChange};
use trellis_domain::state::AppState;
use trellis_storage::models::report::ReportFilter;
use trellis_storage::page::Window;

use super::CliError;

/// Most reports listed.
const LIST_LIMIT: i64 = 200;

#[derive(Debug, Subcommand)]
pub(super) enum ModerationCommand {
    /// List open reports, newest first (with --all, resolved ones too).
    Reports {
        /// Resolved reports too.
        #[arg(long)]
        all: bool,
    },
    /// Mark a report resolved.
    Resolve {
        /// The report's id.
        id: i64,
    },
    /// Suspend an account: its posts disappear, its profile is not served, a local person
    /// cannot sign in and followers' servers are told the actor is deleted.
    Suspend(AccountArgs),
    /// Lift a suspension.
    Unsuspend(AccountArgs),
    /// Silence an account: its posts reach its followers only, not the public timelines.
    Silence(AccountArgs),
    /// Lift a silence.
    Unsilence(AccountArgs),
}

/// The account acted on, and why.
#[derive(Debug, clap::Args)]
pub(super) struct AccountArgs {
    /// `username` (a person here) or `user@domain` (an account of another server).
    account: String,
    /// Why (recorded in the audit log).
    #[arg(long)]
    reason: Option<String>,
}

pub(super) async fn run(state: &AppState, command: ModerationCommand) -> Result<(), CliError> {
    match command {
        ModerationCommand::Reports { all } => {
            let filter = ReportFilter {
                resolved: (!all).then_some(false),
                ..ReportFilter::default()
            };
            let views = reports::list(state, filter, Window::latest(LIST_LIMIT)).await?;
            println!(
                "{:<20} {:<8} {:<10} {:<32} {:<32} COMMENT",
                "ID", "STATUS", "CATEGORY", "REPORTER", "TARGET"
            );
            for view in views {
                let report = &view.report;
                println!(
                    "{:<20} {:<8} {:<10} {:<32} {:<32} {}",
                    report.id,
                    if report.action_taken_at.is_some() {
                        "resolved"
                    } else {
                        "open"
                    },
                    report.category,
                    handle(&view.account.account),
                    handle(&view.target_account.account),
                    report.comment.replace('\n', " "),
                );
            }
            Ok(())
        }
        ModerationCommand::Resolve { id } => {
            reports::change(state, &Acting::cli(), None, id, ReportChange::Resolve, None).await?;
            println!("report {id} is resolved");
            Ok(())
        }
        ModerationCommand::Suspend(args) => {
            act(state, args, AccountAction::Suspend, "suspended").await
        }
        ModerationCommand::Unsuspend(args) => {
            act(state, args, AccountAction::Unsuspend, "no longer suspended").await
        }
        ModerationCommand::Silence(args) => {
            act(state, args, AccountAction::Silence, "silenced").await
        }
        ModerationCommand::Unsilence(args) => {
            act(state, args, AccountAction::Unsilence, "no longer silenced").await
        }
    }
}

/// Applies `action` to the account `args` names and says what it became.
async fn act(
    state: &AppState,
    args: AccountArgs,
    action: AccountAction,
    outcome: &str,
) -> Result<(), CliError> {
    let account = moderation::find_by_handle(state, &args.account).await?;
    moderation::act(
        state,
        &Acting::cli(),
        None,
        account.id,
        action,
        args.reason,
        None,
    )
    .await?;
    println!("{} is {outcome}", handle(&account));
    Ok(())
}
