//! The Account entity (and the CredentialAccount that verify_credentials returns).

use serde::Serialize;
use serde_json::{Value, json};

use super::datetime;
use trellis_domain::services::hydrate::AccountView;
use trellis_domain::state::AppState;

/// `Account`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AccountEntity {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub locked: bool,
    pub bot: bool,
    pub group: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub noindex: bool,
    pub created_at: String,
    pub note: String,
    pub url: String,
    pub uri: String,
    pub avatar: String,
    pub avatar_static: String,
    pub header: String,
    pub header_static: String,
    pub followers_count: i64,
    pub following_count: i64,
    pub statuses_count: i64,
    pub last_status_at: Option<String>,
    pub emojis: Vec<Value>,
    pub fields: Vec<Value>,
    pub roles: Vec<Value>,
    /// Trellis: the person's department (`null`: none given).
    pub department: Option<String>,
    /// Trellis: the person's job title.
    pub job_title: Option<String>,
    /// Trellis: where the person works.
    pub location: Option<String>,
    /// Suspended by a moderator here (present only when true, as Mastodon writes it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// Silenced by a moderator here (Mastodon's `limited`; present only when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub limited: bool,
}

/// `CredentialAccount`: the Account plus the `source` a profile editor needs.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CredentialAccount {
    #[serde(flatten)]
    pub account: AccountEntity,
    pub source: Value,
    /// Mastodon's `Role` of a local person (`name`: admin, moderator, editor or member).
    pub role: Value,
}

impl AccountEntity {
    /// The entity of an account view.
    pub(crate) fn new(state: &AppState, view: &AccountView) -> Self {
        let account = &view.account;
        let acct = match &account.domain {
            Some(domain) => format!("{}@{}", account.username, domain),
            None => account.username.clone(),
        };
        // Other servers' images load through the media proxy.
        let avatar = account
            .avatar_url
            .as_deref()
            .map(|url| state.proxied_url(url))
            .unwrap_or_else(|| state.urls().default_avatar());
        let header = account
            .header_url
            .as_deref()
            .map(|url| state.proxied_url(url))
            .unwrap_or_else(|| state.urls().default_header());
        let fields = account
            .profile_fields()
            .into_iter()
            .map(|f| json!({ "name": f.name, "value": f.value, "verified_at": null }))
            .collect();
        Self {
            id: account.id.to_string(),
            username: account.username.clone(),
            acct,
            display_name: account.display_name.clone(),
            locked: account.locked,
            bot: matches!(account.actor_type.as_str(), "Service" | "Application"),
            group: account.actor_type == "Group",
            discoverable: account.discoverable,
            indexable: account.discoverable,
            noindex: false,
            created_at: datetime(
                account
                    .created_at
                    .date()
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or(account.created_at),
            ),
            note: account.bio.clone(),
            url: account.url.clone().unwrap_or_else(|| account.uri.clone()),
            uri: account.uri.clone(),
            avatar_static: avatar.clone(),
            avatar,
            header_static: header.clone(),
            header,
            followers_count: account.followers_count,
            following_count: account.following_count,
            statuses_count: account.statuses_count,
            last_status_at: account
                .last_status_at
                .map(|t| t.format("%Y-%m-%d").to_string()),
            emojis: Vec::new(),
            fields,
            roles: Vec::new(),
            department: account.department.clone(),
            job_title: account.job_title.clone(),
            location: account.location.clone(),
            suspended: account.suspended_at.is_some(),
            limited: account.silenced_at.is_some(),
        }
    }
}

/// Mastodon's `Role` entity of a Trellis role: the `administrator` permission bit for admins.
pub(crate) fn role_entity(role: trellis_storage::models::user::Role) -> Value {
    use trellis_storage::models::user::Role;
    let (id, permissions) = match role {
        Role::Admin => ("3", "1"),
        Role::Moderator => ("2", "0"),
        Role::Editor => ("1", "0"),
        Role::Member => ("-99", "0"),
    };
    json!({
        "id": id,
        "name": role.as_str(),
        "color": "",
        "permissions": permissions,
        "highlighted": role != Role::Member,
    })
}

impl CredentialAccount {
    /// The entity of the reader's own account; `source_note` is the plain-text bio.
    pub(crate) fn new(
        state: &AppState,
        view: &AccountView,
        privacy: &str,
        source_note: &str,
    ) -> Self {
        let account = AccountEntity::new(state, view);
        let fields = account.fields.clone();
        Self {
            source: json!({
                "privacy": privacy,
                "sensitive": false,
                "language": "",
                "note": source_note,
                "fields": fields,
                "follow_requests_count": 0,
            }),
            role: Value::Null,
            account,
        }
    }
}
