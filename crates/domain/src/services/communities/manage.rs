//! Creating, reading, changing and archiving communities.

use diesel::prelude::*;

use crate::outbound::delivery;
use crate::services::articles::permissions::role_of;
use crate::services::local_actor::new_local_actor;
use crate::services::profile::announce_update;
use crate::services::{ServiceError, keys};
use crate::state::AppState;
use trellis_content::text::escape_html;
use trellis_storage::models::community::{
    Community, CommunityModerator, CommunityVisibility, Membership, Posting,
};
use trellis_storage::models::{Account, Follow};
use trellis_storage::page::Window;
use trellis_storage::schema::accounts;

use super::permissions::{ensure_may_create, ensure_moderates};
use super::{CommunityInput, CommunityView, decide, fields, named, view};

/// ActivityStreams type of community actors.
pub const ACTOR_TYPE: &str = "Group";

/// The actor's `summary`: the description as a paragraph.
fn bio(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", escape_html(description))
    }
}

/// Creates a community named `input.name` with `creator` as its first moderator and member:
/// 409 when any local account (person, channel or community) already has the name.
pub async fn create(
    state: &AppState,
    creator: &Account,
    input: CommunityInput,
) -> Result<CommunityView, ServiceError> {
    let name = fields::name(input.name.as_deref().unwrap_or(""))?;
    let title = fields::title(input.title.as_deref().unwrap_or(&name))?;
    let description = fields::description(input.description.as_deref().unwrap_or(""))?;
    let (posting, membership, visibility) = fields::settings(
        &input,
        (
            Posting::Members,
            Membership::Open,
            CommunityVisibility::Public,
        ),
    )?;
    let keypair = keys::generate(state).await?;
    let creator = creator.clone();
    decide(state, move |conn, state| {
        if let Err(e) = ensure_may_create(
            role_of(conn, creator.id)?,
            state.config().communities.creators,
        ) {
            return Ok(Err(e));
        }
        let taken = Account::find_local_by_username(conn, &name)?.is_some()
            || state.config().articles.channel_name.as_deref() == Some(name.as_str());
        if taken {
            return Ok(Err(ServiceError::Conflict(format!(
                "the name @{name} is already used by an account here"
            ))));
        }
        let mut new = new_local_actor(state, ACTOR_TYPE, &name, title.clone(), keypair);
        new.bio = bio(&description);
        new.locked = membership == Membership::Approval;
        let actor = Account::insert(conn, &new)?;
        let now = delivery::now();
        Community::insert(
            conn,
            &Community {
                account_id: actor.id,
                title,
                description,
                posting,
                membership,
                visibility,
                archived_at: None,
                created_by: creator.id,
                created_at: now,
            },
        )?;
        CommunityModerator::add(conn, actor.id, creator.id, now)?;
        // The creator is its first member.
        crate::changes::follows::store_follow(
            conn,
            state.ids(),
            &Follow {
                id: state.ids().next_id(),
                account_id: creator.id,
                target_account_id: actor.id,
                uri: format!("{}#follows/{}", creator.uri, state.ids().next_id()),
                accepted: true,
                created_at: now,
            },
        )?;
        let found = Community::find_by_name(conn, &name)?
            .ok_or(diesel::result::Error::NotFound)
            .map_err(trellis_storage::DbError::Query)?;
        Ok(Ok(view(conn, found)?))
    })
    .await
}

/// Every community, by name.
pub async fn list(state: &AppState) -> Result<Vec<CommunityView>, ServiceError> {
    Ok(state
        .db()
        .read(|conn| {
            let all = Community::all(conn)?;
            let mut views = Vec::with_capacity(all.len());
            for found in all {
                views.push(view(conn, found)?);
            }
            Ok(views)
        })
        .await?)
}

/// The community named `name`.
pub async fn get(state: &AppState, name: &str) -> Result<CommunityView, ServiceError> {
    let name = name.to_string();
    state
        .db()
        .read(move |conn| {
            Ok(match named(conn, &name)? {
                Ok(found) => Ok(view(conn, found)?),
                Err(e) => Err(e),
            })
        })
        .await?
}

/// Changes title, description and settings (moderators and admins); members on every
/// instance get an Update of the Group actor.
pub async fn update(
    state: &AppState,
    actor: &Account,
    name: &str,
    input: CommunityInput,
) -> Result<CommunityView, ServiceError> {
    let title = input.title.as_deref().map(fields::title).transpose()?;
    let description = input
        .description
        .as_deref()
        .map(fields::description)
        .transpose()?;
    let (name, actor_id) = (name.to_string(), actor.id);
    decide(state, move |conn, state| {
        let found = match named(conn, &name)? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = ensure_moderates(conn, found.actor.id, actor_id)? {
            return Ok(Err(e));
        }
        let mut row = found.community.clone();
        let settings = match fields::settings(&input, (row.posting, row.membership, row.visibility))
        {
            Ok(settings) => settings,
            Err(e) => return Ok(Err(e)),
        };
        (row.posting, row.membership, row.visibility) = settings;
        if let Some(title) = title {
            row.title = title;
        }
        if let Some(description) = description {
            row.description = description;
        }
        Community::update(conn, &row)?;
        diesel::update(accounts::table.find(row.account_id))
            .set((
                accounts::display_name.eq(&row.title),
                accounts::bio.eq(bio(&row.description)),
                accounts::locked.eq(row.membership == Membership::Approval),
                accounts::updated_at.eq(delivery::now()),
            ))
            .execute(conn)?;
        let found = Community::find_by_name(conn, &name)?
            .ok_or(diesel::result::Error::NotFound)
            .map_err(trellis_storage::DbError::Query)?;
        announce_update(conn, state, &found.actor)?;
        Ok(Ok(view(conn, found)?))
    })
    .await
}

/// Archives a community (moderators and admins): it keeps its threads and takes no new posts.
pub async fn archive(
    state: &AppState,
    actor: &Account,
    name: &str,
) -> Result<CommunityView, ServiceError> {
    let (name, actor_id) = (name.to_string(), actor.id);
    decide(state, move |conn, _| {
        let found = match named(conn, &name)? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = ensure_moderates(conn, found.actor.id, actor_id)? {
            return Ok(Err(e));
        }
        Community::archive(conn, found.actor.id, delivery::now())?;
        let found = Community::find_by_name(conn, &name)?
            .ok_or(diesel::result::Error::NotFound)
            .map_err(trellis_storage::DbError::Query)?;
        Ok(Ok(view(conn, found)?))
    })
    .await
}

/// A page of a community's members (accepted followers on every instance), newest first,
/// each with its page key.
pub async fn members(
    state: &AppState,
    name: &str,
    window: Window,
) -> Result<Vec<(i64, Account)>, ServiceError> {
    let name = name.to_string();
    state
        .db()
        .read(move |conn| {
            Ok(match named(conn, &name)? {
                Ok(found) => Ok(Community::members(conn, found.actor.id, window)?),
                Err(e) => Err(e),
            })
        })
        .await?
}
