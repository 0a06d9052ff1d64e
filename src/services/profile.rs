//! Profile changes of local people, announced to their followers.

use diesel::prelude::*;
use serde_json::json;

use crate::db::models::{Account, Follow};
use crate::db::schema::accounts;
use crate::db::{DbConnection, DbError};
use crate::federation::activities::with_context;
use crate::federation::actor::to_document;
use crate::federation::context::FedData;
use crate::federation::delivery;
use crate::state::AppState;

use super::ServiceError;
use super::outbox::publish;

/// New values for the editable profile fields; `None` keeps the current value.
#[derive(Debug, Default, Clone)]
pub struct ProfileChange {
    /// Display name.
    pub display_name: Option<String>,
    /// Biography (plain text; rendered to HTML).
    pub bio: Option<String>,
}

/// Applies a profile change and sends an Update of the actor to remote followers.
pub async fn update(
    data: &FedData,
    account: &Account,
    change: ProfileChange,
) -> Result<Account, ServiceError> {
    if let Some(name) = &change.display_name
        && name.chars().count() > 100
    {
        return Err(ServiceError::invalid(
            "display_name",
            "must be at most 100 characters",
        ));
    }
    let bio_html = change.bio.as_deref().map(|text| {
        crate::content::render_local_text(
            text,
            &std::collections::HashMap::new(),
            &data.urls().at("/tags"),
        )
        .html
    });
    let id = account.id;
    let updated = publish(data, move |conn, state| {
        let now = delivery::now();
        if let Some(name) = &change.display_name {
            diesel::update(accounts::table.find(id))
                .set((
                    accounts::display_name.eq(name),
                    accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        if let Some(bio) = &bio_html {
            diesel::update(accounts::table.find(id))
                .set((accounts::bio.eq(bio), accounts::updated_at.eq(now)))
                .execute(conn)?;
        }
        let account: Account = accounts::table
            .find(id)
            .select(Account::as_select())
            .first(conn)?;
        announce_update(conn, state, &account)?;
        Ok(account)
    })
    .await?;
    Ok(updated)
}

/// Queues an Update of the actor document to the remote followers.
pub fn announce_update(
    conn: &mut DbConnection,
    state: &AppState,
    account: &Account,
) -> Result<(), DbError> {
    let document = serde_json::to_value(to_document(account, state.urls())).unwrap_or_default();
    let activity = with_context(json!({
        "id": state.urls().new_activity(),
        "type": "Update",
        "actor": account.uri,
        "to": [crate::federation::protocol::context::PUBLIC],
        "object": document,
    }));
    let inboxes = Follow::remote_follower_inboxes(conn, account.id)?;
    delivery::enqueue(conn, state, account.id, &activity, inboxes)?;
    Ok(())
}
