//! Profile changes of local people, announced to their followers.

use diesel::prelude::*;

use crate::outbound::activities::update;
use crate::outbound::actor::to_document;
use crate::outbound::delivery;
use crate::state::AppState;
use crate::state::FedData;
use trellis_storage::models::{Account, Follow};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

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
        && name.chars().count() > super::validation::DISPLAY_NAME_MAX
    {
        return Err(ServiceError::invalid(
            "display_name",
            format!(
                "must be at most {} characters",
                super::validation::DISPLAY_NAME_MAX
            ),
        ));
    }
    let bio_html = change.bio.as_deref().map(|text| {
        trellis_content::render_local_text(
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
pub(crate) fn announce_update(
    conn: &mut DbConnection,
    state: &AppState,
    account: &Account,
) -> Result<(), DbError> {
    let activity = update::actor(
        &state.urls().new_activity(),
        to_document(account, state.urls()),
    );
    let inboxes = Follow::remote_follower_inboxes(conn, account.id)?;
    delivery::enqueue(conn, state, account.id, &activity, inboxes)?;
    Ok(())
}

/// Most profile fields a person may set.
pub const MAX_FIELDS: usize = 4;

/// New values for the account settings besides the profile text; `None` keeps the current
/// value.
#[derive(Debug, Default, Clone)]
pub struct AccountSettings {
    /// Listed in directories and search.
    pub discoverable: Option<bool>,
    /// Presented as an automated account (actor type `Service` instead of `Person`).
    pub bot: Option<bool>,
    /// Free `name: value` lines, replacing the current ones (blank lines are dropped).
    pub fields: Option<Vec<trellis_storage::models::account::ProfileField>>,
}

/// Applies account settings and sends an Update of the actor to remote followers.
pub async fn update_settings(
    data: &FedData,
    account: &Account,
    settings: AccountSettings,
) -> Result<Account, ServiceError> {
    let fields = match settings.fields {
        Some(fields) => {
            let kept: Vec<_> = fields
                .into_iter()
                .map(|f| trellis_storage::models::account::ProfileField {
                    name: f.name.trim().to_string(),
                    value: f.value.trim().to_string(),
                })
                .filter(|f| !f.name.is_empty() || !f.value.is_empty())
                .collect();
            if kept.len() > MAX_FIELDS {
                return Err(ServiceError::invalid(
                    "fields_attributes",
                    format!("must have at most {MAX_FIELDS} entries"),
                ));
            }
            if kept
                .iter()
                .any(|f| f.name.chars().count() > 255 || f.value.chars().count() > 255)
            {
                return Err(ServiceError::invalid(
                    "fields_attributes",
                    "names and values must be at most 255 characters",
                ));
            }
            Some(serde_json::to_string(&kept).map_err(|e| ServiceError::Internal(e.to_string()))?)
        }
        None => None,
    };
    let id = account.id;
    let updated = publish(data, move |conn, state| {
        let now = delivery::now();
        if let Some(discoverable) = settings.discoverable {
            diesel::update(accounts::table.find(id))
                .set((
                    accounts::discoverable.eq(discoverable),
                    accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        if let Some(bot) = settings.bot {
            let kind = if bot { "Service" } else { "Person" };
            diesel::update(accounts::table.find(id))
                .set((accounts::actor_type.eq(kind), accounts::updated_at.eq(now)))
                .execute(conn)?;
        }
        if let Some(fields) = &fields {
            diesel::update(accounts::table.find(id))
                .set((accounts::fields.eq(fields), accounts::updated_at.eq(now)))
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
