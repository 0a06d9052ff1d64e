//! Actors (local and remote) as activitypub_federation objects.

use activitypub_federation::config::Data;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use trellis_protocol::actor::PropertyValue;
use trellis_protocol::json::limits::{
    MAX_FIELD_VALUE_BYTES, MAX_NAME_BYTES, MAX_PROFILE_FIELDS, MAX_SUMMARY_BYTES,
    MAX_USERNAME_BYTES,
};
use url::Url;

use crate::error::FederationError;
use trellis_content::{html_to_plain_text, sanitize_remote_html};
use trellis_domain::outbound::actor::to_document;
use trellis_domain::state::AppState;
use trellis_domain::urls::Urls;
use trellis_protocol::Actor as ActorDocument;
use trellis_protocol::json::values::{same_origin, truncate, truncated, web_url};
use trellis_protocol::object::Attachment;

use super::first_web_url;
use trellis_storage::models::account::ProfileField;
use trellis_storage::models::{Account, NewAccount};
use trellis_storage::schema::accounts;

/// A stored account with its parsed id.
#[derive(Clone, Debug)]
pub(crate) struct ActorObject {
    /// The row.
    pub account: Account,
    id: Url,
}

impl ActorObject {
    /// Wraps an account; fails only if its stored id is not a URL.
    pub(crate) fn new(account: Account) -> Result<Self, FederationError> {
        let id = Url::parse(&account.uri)
            .map_err(|e| FederationError::Invalid(format!("actor id {}: {e}", account.uri)))?;
        Ok(Self { account, id })
    }
}

#[async_trait::async_trait]
impl Object for ActorObject {
    type DataType = AppState;
    type Kind = ActorDocument;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        self.account
            .fetched_at
            .map(|t| DateTime::<Utc>::from_naive_utc_and_offset(t, Utc))
    }

    async fn read_from_id(
        object_id: Url,
        data: &Data<AppState>,
    ) -> Result<Option<Self>, FederationError> {
        let uri = object_id.to_string();
        let account = data
            .db()
            .read(move |conn| Account::find_by_uri(conn, &uri))
            .await?;
        account.map(Self::new).transpose()
    }

    async fn delete(&self, data: &Data<AppState>) -> Result<(), FederationError> {
        if self.account.is_local() {
            return Ok(());
        }
        let id = self.account.id;
        data.db()
            .write(move |conn| {
                conn.transaction(|conn| {
                    trellis_domain::changes::accounts::remove_remote_account(conn, id)
                })
            })
            .await?;
        Ok(())
    }

    async fn into_json(self, data: &Data<AppState>) -> Result<ActorDocument, FederationError> {
        Ok(to_document(&self.account, data.urls()))
    }

    async fn verify(
        json: &ActorDocument,
        expected_domain: &Url,
        _data: &Data<AppState>,
    ) -> Result<(), FederationError> {
        verify_domains_match(&json.id, expected_domain)?;
        verify_domains_match(&json.inbox, expected_domain)?;
        delivery_inboxes(json)?;
        if public_key(json)?.owner != json.id {
            return Err(FederationError::Invalid(
                "publicKey.owner is not the actor".into(),
            ));
        }
        Ok(())
    }

    async fn from_json(
        json: ActorDocument,
        data: &Data<AppState>,
    ) -> Result<Self, FederationError> {
        let new = remote_account_from_document(&json, data.ids().next_id())?;
        // Two fetches of one new actor can race (a directory refresh and an activity): the
        // one that loses the insert finds the row the other committed.
        let account = data
            .db()
            .write_or_find(move |conn| upsert_remote(conn, new.clone()))
            .await?;
        Self::new(account)
    }
}

impl Actor for ActorObject {
    fn public_key_pem(&self) -> &str {
        &self.account.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.account.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.account.inbox_url).unwrap_or_else(|_| self.id.clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.account
            .shared_inbox_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
    }
}

/// The actor's key; an actor without one cannot sign and is not accepted.
fn public_key(
    json: &ActorDocument,
) -> Result<&trellis_protocol::actor::PublicKey, FederationError> {
    json.public_key
        .as_ref()
        .ok_or_else(|| FederationError::Invalid("the actor has no publicKey".into()))
}

/// The image URL of an `icon` or `image`: the first usable one.
fn image_url(images: &trellis_protocol::Many<Attachment>) -> Option<String> {
    images.iter().find_map(|image| first_web_url(&image.url))
}

/// The inbox and shared inbox to keep of an actor document. Both must share the actor id's
/// origin (scheme, host and port), so an actor cannot point deliveries at another server or
/// at an internal address: an inbox elsewhere refuses the actor, a shared inbox elsewhere is
/// dropped (deliveries then go to the inbox).
pub(crate) fn delivery_inboxes(
    json: &ActorDocument,
) -> Result<(String, Option<String>), FederationError> {
    let inbox = web_url(json.inbox.as_str())
        .filter(|_| same_origin(&json.inbox, &json.id))
        .ok_or_else(|| {
            FederationError::Invalid(format!(
                "the inbox {} is not on the actor's origin",
                json.inbox
            ))
        })?;
    let shared = json
        .endpoints
        .as_ref()
        .and_then(|e| e.shared_inbox.as_ref())
        .filter(|shared| same_origin(shared, &json.id))
        .and_then(|shared| web_url(shared.as_str()));
    Ok((inbox, shared))
}

/// Maps a remote actor document onto an account row (sanitizing everything shown to people,
/// keeping only web URLs, and within the [limits](trellis_protocol::json::limits)). The
/// department, job title and location come from the extension properties (`department`,
/// `jobTitle`, `workLocation`), or else from the `PropertyValue` items of those names.
pub(crate) fn remote_account_from_document(
    json: &ActorDocument,
    id: i64,
) -> Result<NewAccount, FederationError> {
    let domain = Urls::authority(&json.id)
        .ok_or_else(|| FederationError::Invalid("actor id has no host".into()))?;
    let (inbox_url, shared_inbox_url) = delivery_inboxes(json)?;
    let key = public_key(json)?;
    let username = json
        .preferred_username
        .as_deref()
        .ok_or_else(|| FederationError::Invalid("the actor has no preferredUsername".into()))?;
    let now = Utc::now().naive_utc();
    let mut department = None;
    let mut job_title = None;
    let mut location = None;
    let mut expertise: Vec<String> = Vec::new();
    let mut fields = Vec::new();
    for item in json.attachment.iter().take(MAX_PROFILE_FIELDS) {
        let Ok(PropertyValue { kind, name, value }) = PropertyValue::deserialize(item) else {
            continue;
        };
        if kind != "PropertyValue" {
            continue;
        }
        let name = truncated(&name, MAX_NAME_BYTES);
        let text = html_to_plain_text(truncate(&value, MAX_FIELD_VALUE_BYTES));
        match name.as_str() {
            "Department" => department = Some(text),
            "Job title" => job_title = Some(text),
            "Location" => location = Some(text),
            "Expertise" => {
                expertise = text
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
            }
            _ => fields.push(ProfileField {
                name: html_to_plain_text(&name),
                value: text,
            }),
        }
    }
    let extension = |value: &serde_json::Value| {
        let text = match value {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Object(place) => place.get("name")?.as_str().map(str::to_string),
            _ => None,
        }?;
        Some(html_to_plain_text(truncate(&text, MAX_FIELD_VALUE_BYTES)))
            .filter(|t| !t.trim().is_empty())
    };
    let department = extension(&json.department).or(department);
    let job_title = extension(&json.job_title).or(job_title);
    let location = extension(&json.work_location).or(location);
    Ok(NewAccount {
        id,
        actor_type: json.kind.name().to_string(),
        username: truncated(username, MAX_USERNAME_BYTES),
        domain: Some(domain),
        uri: json.id.to_string(),
        url: first_web_url(&json.url).or_else(|| web_url(json.id.as_str())),
        display_name: json
            .name
            .as_deref()
            .map(|name| html_to_plain_text(truncate(name, MAX_NAME_BYTES)))
            .unwrap_or_default(),
        bio: json
            .summary
            .as_deref()
            .map(|bio| sanitize_remote_html(truncate(bio, MAX_SUMMARY_BYTES)))
            .unwrap_or_default(),
        inbox_url,
        shared_inbox_url,
        outbox_url: json.outbox.as_ref().and_then(|u| web_url(u.as_str())),
        followers_url: json.followers.as_ref().and_then(|u| web_url(u.as_str())),
        following_url: json.following.as_ref().and_then(|u| web_url(u.as_str())),
        public_key_id: key.id.clone(),
        public_key_pem: key.public_key_pem.clone(),
        private_key_pem: None,
        locked: json.manually_approves_followers,
        department,
        job_title,
        location,
        expertise: serde_json::to_string(&expertise).unwrap_or_else(|_| "[]".into()),
        fields: serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into()),
        created_at: json.published.map(|p| p.naive_utc()).unwrap_or(now),
        updated_at: now,
        fetched_at: Some(now),
        avatar_url: image_url(&json.icon),
        header_url: image_url(&json.image),
        discoverable: json.discoverable,
    })
}

/// Inserts a remote account, or refreshes the stored one with the same id.
pub(crate) fn upsert_remote(
    conn: &mut trellis_storage::DbConnection,
    new: NewAccount,
) -> Result<Account, trellis_storage::DbError> {
    conn.transaction(|conn| match Account::find_by_uri(conn, &new.uri)? {
        Some(existing) => {
            diesel::update(accounts::table.find(existing.id))
                .set((
                    accounts::actor_type.eq(&new.actor_type),
                    accounts::username.eq(&new.username),
                    accounts::url.eq(&new.url),
                    accounts::display_name.eq(&new.display_name),
                    accounts::bio.eq(&new.bio),
                    accounts::inbox_url.eq(&new.inbox_url),
                    accounts::shared_inbox_url.eq(&new.shared_inbox_url),
                    accounts::outbox_url.eq(&new.outbox_url),
                    accounts::followers_url.eq(&new.followers_url),
                    accounts::following_url.eq(&new.following_url),
                    accounts::public_key_id.eq(&new.public_key_id),
                    accounts::public_key_pem.eq(&new.public_key_pem),
                    accounts::avatar_url.eq(&new.avatar_url),
                    accounts::header_url.eq(&new.header_url),
                    accounts::locked.eq(new.locked),
                    accounts::discoverable.eq(new.discoverable),
                    accounts::department.eq(&new.department),
                    accounts::job_title.eq(&new.job_title),
                    accounts::location.eq(&new.location),
                    accounts::expertise.eq(&new.expertise),
                    accounts::fields.eq(&new.fields),
                    accounts::updated_at.eq(new.updated_at),
                    accounts::fetched_at.eq(new.fetched_at),
                ))
                .execute(conn)?;
            Account::find_by_uri(conn, &new.uri)?.ok_or(trellis_storage::DbError::Query(
                diesel::result::Error::NotFound,
            ))
        }
        None => Account::insert(conn, &new),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn actor(extra: Value) -> ActorDocument {
        let mut document = json!({
            "id": "https://beta.corp.example/users/fiona",
            "type": "Person",
            "preferredUsername": "fiona",
            "inbox": "https://beta.corp.example/users/fiona/inbox",
            "publicKey": {
                "id": "https://beta.corp.example/users/fiona#main-key",
                "owner": "https://beta.corp.example/users/fiona",
                "publicKeyPem": "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"
            }
        });
        for (key, value) in extra.as_object().unwrap() {
            document[key] = value.clone();
        }
        serde_json::from_value(document).unwrap()
    }

    #[test]
    fn work_terms_fill_the_profile_columns() {
        let row = remote_account_from_document(
            &actor(json!({
                "department": "Finance <b>HQ</b>",
                "jobTitle": "Controller",
                "workLocation": {"type": "Place", "name": "Lyon"},
                "attachment": [{"type": "PropertyValue", "name": "Department", "value": "Old"}]
            })),
            1,
        )
        .unwrap();
        assert_eq!(row.department.as_deref(), Some("Finance HQ"));
        assert_eq!(row.job_title.as_deref(), Some("Controller"));
        assert_eq!(row.location.as_deref(), Some("Lyon"));
    }

    #[test]
    fn profile_fields_stand_in_for_missing_terms() {
        let row = remote_account_from_document(
            &actor(json!({
                "jobTitle": 42,
                "attachment": [
                    {"type": "PropertyValue", "name": "Job title", "value": "Analyst"},
                    {"type": "PropertyValue", "name": "Location", "value": "<p>Oslo</p>"}
                ]
            })),
            1,
        )
        .unwrap();
        assert_eq!(row.department, None);
        assert_eq!(row.job_title.as_deref(), Some("Analyst"));
        assert_eq!(row.location.as_deref(), Some("Oslo"));
    }
}
