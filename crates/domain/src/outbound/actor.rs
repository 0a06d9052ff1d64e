//! Stored account -> actor document.

use serde_json::Value;
use url::Url;

use crate::urls::Urls;
use trellis_content::text::escape_html;
use trellis_protocol::actor::{Endpoints, PropertyValue, PublicKey};
use trellis_protocol::json::context::actor_context;
use trellis_protocol::object::Attachment;
use trellis_protocol::{Actor, Many, ObjectKind, Reference};
use trellis_storage::models::Account;

/// Builds the ActivityPub document of a local account.
pub fn to_document(account: &Account, urls: &Urls) -> Actor {
    let parse = |s: &str| Url::parse(s).ok();
    let id = Url::parse(&account.uri).expect("stored actor ids are URLs");
    let avatar = account
        .avatar_url
        .clone()
        .unwrap_or_else(|| urls.default_avatar());
    let icon = Attachment {
        // The default avatar is Trellis's own PNG; an uploaded one is whatever was uploaded.
        media_type: account.avatar_url.is_none().then(|| "image/png".into()),
        ..image(&avatar)
    };
    Actor {
        context: Some(actor_context()),
        kind: ObjectKind::from_name(&account.actor_type),
        preferred_username: Some(account.username.clone()),
        name: Some(account.display_name.clone()).filter(|n| !n.is_empty()),
        summary: Some(account.bio.clone()),
        inbox: parse(&account.inbox_url).expect("stored inbox is a URL"),
        outbox: account.outbox_url.as_deref().and_then(parse),
        followers: account.followers_url.as_deref().and_then(parse),
        following: account.following_url.as_deref().and_then(parse),
        featured: (account.domain.is_none() && account.actor_type == "Person")
            .then(|| urls.user_featured(&account.username))
            .as_deref()
            .and_then(parse),
        endpoints: Some(Endpoints {
            shared_inbox: account.shared_inbox_url.as_deref().and_then(parse),
        }),
        public_key: Some(PublicKey {
            id: account.public_key_id.clone(),
            owner: id.clone(),
            public_key_pem: account.public_key_pem.clone(),
        }),
        icon: Many(vec![icon]),
        image: Many(
            account
                .header_url
                .as_deref()
                .map(image)
                .into_iter()
                .collect(),
        ),
        url: Many(
            account
                .url
                .as_deref()
                .and_then(Reference::parse)
                .into_iter()
                .collect(),
        ),
        discoverable: account.discoverable,
        manually_approves_followers: account.locked,
        attachment: Many(
            profile_attachments(account)
                .iter()
                .filter_map(|field| serde_json::to_value(field).ok())
                .collect(),
        ),
        published: Some(account.created_at.and_utc()),
        department: text_or_null(&account.department),
        job_title: text_or_null(&account.job_title),
        work_location: text_or_null(&account.location),
        id,
    }
}

/// An `Image` at `url`.
fn image(url: &str) -> Attachment {
    Attachment {
        kind: "Image".into(),
        url: Many(Reference::parse(url).into_iter().collect()),
        href: None,
        media_type: None,
        name: None,
        width: None,
        height: None,
        blurhash: None,
    }
}

/// A profile column as a JSON string, or null (left out of the document) when unset.
fn text_or_null(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Null, Value::String)
}

/// Department, job title, location, expertise and free fields as PropertyValue items (FEP-fb2a style).
pub(crate) fn profile_attachments(account: &Account) -> Vec<PropertyValue> {
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
