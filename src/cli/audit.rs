//! `trellis audit`: the audit log as CSV or JSON lines, newest first.

use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use trellis_domain::services::audit::{self, AuditView};
use trellis_domain::state::AppState;
use trellis_storage::models::audit::AuditFilter;
use trellis_storage::page::Window;

use super::CliError;

/// Rows read per query.
const BATCH: i64 = 500;

/// The output format.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum Format {
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// What to print.
#[derive(Debug, Args)]
pub(super) struct AuditArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Only this action, or a family of them (`account` for `account.suspend`...).
    #[arg(long)]
    action: Option<String>,
    /// Only actions on this target, as recorded (a domain, `@name`...).
    #[arg(long)]
    target: Option<String>,
    /// From this day on (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = day)]
    since: Option<NaiveDateTime>,
    /// Before this day (YYYY-MM-DD, UTC).
    #[arg(long, value_parser = day)]
    until: Option<NaiveDateTime>,
    /// At most this many rows (all when absent).
    #[arg(long)]
    limit: Option<u64>,
}

fn day(text: &str) -> Result<NaiveDateTime, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .map_err(|_| format!("expected a date as YYYY-MM-DD, got {text:?}"))
}

pub(super) async fn run(state: &AppState, args: AuditArgs) -> Result<(), CliError> {
    let filter = AuditFilter {
        action: args.action,
        actor_account_id: None,
        target: args.target,
        since: args.since,
        until: args.until,
    };
    let mut left = args.limit.unwrap_or(u64::MAX);
    let mut max_id = None;
    if matches!(args.format, Format::Csv) {
        println!(
            "id,created_at,actor_kind,actor_account_id,actor_username,action,target,reason,address,details"
        );
    }
    while left > 0 {
        let window = Window {
            max_id,
            since_id: None,
            min_id: None,
            limit: BATCH.min(i64::try_from(left).unwrap_or(BATCH)),
        };
        let views = audit::page(state, filter.clone(), window).await?;
        let Some(last) = views.last() else {
            break;
        };
        max_id = Some(last.row.id);
        left = left.saturating_sub(views.len() as u64);
        for view in &views {
            match args.format {
                Format::Csv => println!("{}", csv_line(view)),
                Format::Jsonl => println!("{}", json_line(view)),
            }
        }
    }
    Ok(())
}

/// One row as a CSV line.
fn csv_line(view: &AuditView) -> String {
    let row = &view.row;
    [
        row.id.to_string(),
        row.created_at.and_utc().to_rfc3339(),
        row.actor_kind.clone(),
        row.actor_account_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        view.actor_username.clone().unwrap_or_default(),
        row.action.clone(),
        row.target.clone().unwrap_or_default(),
        row.reason.clone().unwrap_or_default(),
        row.address.clone().unwrap_or_default(),
        row.details.clone(),
    ]
    .iter()
    .map(|field| csv_field(field))
    .collect::<Vec<_>>()
    .join(",")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One row as a JSON line.
fn json_line(view: &AuditView) -> Value {
    let row = &view.row;
    json!({
        "id": row.id.to_string(),
        "created_at": row.created_at.and_utc().to_rfc3339(),
        "actor": {
            "kind": row.actor_kind,
            "account_id": row.actor_account_id.map(|id| id.to_string()),
            "username": view.actor_username,
        },
        "action": row.action,
        "target": row.target,
        "reason": row.reason,
        "address": row.address,
        "details": serde_json::from_str::<Value>(&row.details).unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("spam.example"), "spam.example");
        assert_eq!(csv_field("spam, mostly"), "\"spam, mostly\"");
        assert_eq!(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn days_are_dates() {
        assert!(day("2026-12-05").is_ok());
        assert!(day("yesterday").unwrap_err().contains("YYYY-MM-DD"));
    }
}
