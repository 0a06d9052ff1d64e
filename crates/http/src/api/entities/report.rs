//! Mastodon's `Report` (what the reporter gets back), `Admin::Report` and `Admin::Account`
//! (what moderators see).

use serde::Serialize;

use super::account::AccountEntity;
use super::datetime;
use super::status::StatusEntity;
use trellis_domain::services::accounts::Role;
use trellis_domain::services::hydrate::AccountView;
use trellis_domain::services::reports::{ModeratedAccount, ReportView};
use trellis_domain::state::AppState;
use trellis_storage::models::report::Report;

/// The fields `Report` and `Admin::Report` share.
#[derive(Clone, Debug, Serialize)]
struct ReportFields {
    id: String,
    action_taken: bool,
    action_taken_at: Option<String>,
    category: &'static str,
    comment: String,
    forwarded: bool,
    created_at: String,
}

impl ReportFields {
    fn new(report: &Report) -> Self {
        Self {
            id: report.id.to_string(),
            action_taken: report.action_taken_at.is_some(),
            action_taken_at: report.action_taken_at.map(datetime),
            category: report.category.as_str(),
            comment: report.comment.clone(),
            forwarded: report.forwarded,
            created_at: datetime(report.created_at),
        }
    }
}

/// `Report`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ReportEntity {
    #[serde(flatten)]
    fields: ReportFields,
    status_ids: Vec<String>,
    rule_ids: Vec<String>,
    target_account: AccountEntity,
}

impl ReportEntity {
    /// The entity of a report.
    pub(crate) fn new(state: &AppState, view: &ReportView) -> Self {
        let report = &view.report;
        Self {
            fields: ReportFields::new(report),
            status_ids: view.status_ids.iter().map(i64::to_string).collect(),
            rule_ids: Vec::new(),
            target_account: account(state, &view.target_account),
        }
    }
}

/// `Admin::Report`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AdminReportEntity {
    #[serde(flatten)]
    fields: ReportFields,
    updated_at: String,
    account: AdminAccountEntity,
    target_account: AdminAccountEntity,
    assigned_account: Option<AdminAccountEntity>,
    action_taken_by_account: Option<AdminAccountEntity>,
    statuses: Vec<StatusEntity>,
    rules: Vec<()>,
}

impl AdminReportEntity {
    /// The entity of a report, as moderators see it.
    pub(crate) fn new(state: &AppState, view: &ReportView) -> Self {
        let report = &view.report;
        let admin = |a: &ModeratedAccount| AdminAccountEntity::new(state, a);
        Self {
            fields: ReportFields::new(report),
            updated_at: datetime(report.updated_at),
            account: admin(&view.account),
            target_account: admin(&view.target_account),
            assigned_account: view.assigned_account.as_ref().map(admin),
            action_taken_by_account: view.action_taken_by_account.as_ref().map(admin),
            statuses: view
                .statuses
                .iter()
                .map(|s| StatusEntity::new(state, s))
                .collect(),
            rules: Vec::new(),
        }
    }
}

/// `Admin::Account`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AdminAccountEntity {
    id: String,
    username: String,
    domain: Option<String>,
    created_at: String,
    email: Option<String>,
    ip: Option<String>,
    ips: Vec<()>,
    locale: Option<String>,
    invite_request: Option<String>,
    role: Option<RoleEntity>,
    confirmed: bool,
    approved: bool,
    disabled: bool,
    silenced: bool,
    suspended: bool,
    sensitized: bool,
    account: AccountEntity,
    created_by_application_id: Option<String>,
    invited_by_account_id: Option<String>,
}

/// `Role`, as `Admin::Account` carries it.
#[derive(Clone, Debug, Serialize)]
struct RoleEntity {
    id: String,
    name: &'static str,
    permissions: String,
    color: &'static str,
    highlighted: bool,
}

impl RoleEntity {
    /// Mastodon's permission bits: administrator (everything), moderator (reports, users,
    /// audit log), editor and member (none).
    fn new(role: Role) -> Self {
        let (id, name, permissions) = match role {
            Role::Admin => ("3", "Admin", 1),
            Role::Moderator => ("1", "Moderator", 0x0400 | 0x0800 | 0x0020),
            Role::Editor => ("2", "Editor", 0),
            Role::Member => ("-99", "", 0),
        };
        Self {
            id: id.into(),
            name,
            permissions: permissions.to_string(),
            color: "",
            highlighted: role.moderates(),
        }
    }
}

impl AdminAccountEntity {
    /// The entity of an account, as moderators see it.
    pub(crate) fn new(state: &AppState, moderated: &ModeratedAccount) -> Self {
        let account = &moderated.account;
        let user = moderated.user.as_ref();
        Self {
            id: account.id.to_string(),
            username: account.username.clone(),
            domain: account.domain.clone(),
            created_at: datetime(account.created_at),
            email: user.map(|u| u.email.clone()),
            ip: None,
            ips: Vec::new(),
            locale: None,
            invite_request: None,
            role: user.map(|u| RoleEntity::new(u.role)),
            confirmed: true,
            approved: true,
            disabled: user.is_some_and(|u| u.disabled),
            silenced: account.silenced_at.is_some(),
            suspended: account.suspended_at.is_some(),
            sensitized: false,
            account: self::account(state, moderated),
            created_by_application_id: None,
            invited_by_account_id: None,
        }
    }
}

/// The client API's `Account` of a moderated account.
fn account(state: &AppState, moderated: &ModeratedAccount) -> AccountEntity {
    AccountEntity::new(
        state,
        &AccountView {
            account: moderated.account.clone(),
        },
    )
}
