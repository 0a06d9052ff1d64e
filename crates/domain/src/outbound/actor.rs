//! Stored account -> actor document.

use chrono::{DateTime, Utc};
use trellis_protocol::json::actor::PublicKey;
use url::Url;

use crate::urls::Urls;
use trellis_content::text::escape_html;
use trellis_storage::models::Account;

use serde_json::{Value, json};

use trellis_protocol::json::actor::{ActorDocument, Endpoints, PropertyValue};
use trellis_protocol::json::context::actor_context;

/// Builds the ActivityPub document of a local account.
pub fn to_document(account: &Account, urls: &Urls) -> ActorDocument {
    let parse = |s: &str| Url::parse(s).ok();
    let id = Url::parse(&account.uri).expect("stored actor ids are URLs");
    let avatar = account
        .avatar_url
        .clone()
        .unwrap_or_else(|| urls.default_avatar());
    ActorDocument {
        context: actor_context(),
        kind: account.actor_type.clone(),
        preferred_username: account.username.clone(),
        name: Some(account.display_name.clone()).filter(|n| !n.is_empty()),
        summary: Some(account.bio.clone()),
        inbox: parse(&account.inbox_url).expect("stored inbox is a URL"),
        outbox: account.outbox_url.as_deref().and_then(parse),
        followers: account.followers_url.as_deref().and_then(parse),
        following: account.following_url.as_deref().and_then(parse),
        endpoints: Some(Endpoints {
            shared_inbox: account.shared_inbox_url.as_deref().and_then(parse),
        }),
        public_key: PublicKey {
            id: account.public_key_id.clone(),
            owner: id.clone(),
            public_key_pem: account.public_key_pem.clone(),
        },
        icon: if account.avatar_url.is_none() {
            json!({ "type": "Image", "url": avatar, "mediaType": "image/png" })
        } else {
            json!({ "type": "Image", "url": avatar })
        },
        image: account
            .header_url
            .as_ref()
            .map_or(Value::Null, |url| json!({ "type": "Image", "url": url })),
        url: account.url.clone().map_or(Value::Null, Value::String),
        discoverable: account.discoverable,
        manually_approves_followers: account.locked,
        attachment: serde_json::to_value(profile_attachments(account)).unwrap_or_default(),
        published: Some(DateTime::<Utc>::from_naive_utc_and_offset(
            account.created_at,
            Utc,
        )),
        department: text_or_null(&account.department),
        job_title: text_or_null(&account.job_title),
        work_location: text_or_null(&account.location),
        id,
    }
}

/// A profile column as a JSON string, or null (left out of the document) when unset.
fn text_or_null(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Null, Value::String)
}

/// Department, job title, location, expertise and free fields as PropertyValue items (FEP-fb2a style).
pub fn profile_attachments(account: &Account) -> Vec<PropertyValue> {
    let field = |name: &str, value: String| PropertyValue {
        kind: "PropertyValue".into(),
        name: name.into(),
        value,
    };
    let mut out = Vec::new();
    if let Some(department) = &account.department {
        out.push(field("Department", escape_html(department)));
    }
    if let Some(title) = &account.job_title {
        out.push(field("Job title", escape_html(title)));
    }
    if let Some(location) = &account.location {
        out.push(field("Location", escape_html(location)));
    }
    let expertise = account.expertise_tags();
    if !expertise.is_empty() {
        out.push(field("Expertise", escape_html(&expertise.join(", "))));
    }
    for f in account.profile_fields() {
        out.push(field(&f.name, escape_html(&f.value)));
    }
    out
}
