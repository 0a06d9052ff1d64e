//! How a group (a community or a channel) shares what it carries with its members on every
//! instance, in the two shapes FEP-1b12 servers and Mastodon expect: an `Announce` whose
//! object is the activity (Create, Update or Delete, with the object embedded and carrying
//! `audience` = the group, the group in `cc`), as Lemmy and Mbin read it, and an `Announce`
//! of the object's id, the boost Mastodon shows (and through which local members find the
//! post in their home timelines). Channels and communities both announce through here.

use diesel::prelude::*;
use trellis_protocol::json::context::PUBLIC;
use trellis_protocol::{ActivityKind, Object, Reference};

use crate::outbound::activities::{announce, create, delete};
use crate::outbound::delivery;
use crate::outbound::note::note_json;
use crate::services::interactions::{record_boost, withdraw_boost};
use crate::state::AppState;
use trellis_storage::models::community::{Community, CommunityPost, CommunityWithActor};
use trellis_storage::models::{Account, Follow, Post};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

/// Where a new post goes in a community.
pub(crate) struct Placement {
    /// The community.
    pub(crate) community: CommunityWithActor,
    /// The thread's first post.
    pub(crate) thread_id: i64,
}

/// The community a new post is posted to: the community of the thread it replies to, or else
/// the first local community among the accounts it is addressed to (mentioned, or named by
/// `audience`, `to` or `cc`).
pub(crate) fn placement(
    conn: &mut DbConnection,
    post_id: i64,
    in_reply_to_id: Option<i64>,
    addressed: &[i64],
) -> Result<Option<Placement>, DbError> {
    if let Some(parent) = in_reply_to_id
        && let Some(entry) = CommunityPost::of_post(conn, parent)?
    {
        return Ok(Community::among(conn, &[entry.community_id])?
            .into_iter()
            .next()
            .map(|community| Placement {
                community,
                thread_id: entry.thread_id,
            }));
    }
    Ok(Community::among(conn, addressed)?
        .into_iter()
        .find(|c| c.actor.is_local())
        .map(|community| Placement {
            community,
            thread_id: post_id,
        }))
}

/// Records that the community carries `post` (a thread start titled `title`, or a reply)
/// and announces it, both shapes, to every member. `activity_id` is the Create's id.
pub(crate) fn carry(
    conn: &mut DbConnection,
    state: &AppState,
    placement: &Placement,
    post: &Post,
    title: Option<String>,
    activity_id: &str,
) -> Result<(), DbError> {
    CommunityPost::insert(
        conn,
        &CommunityPost {
            post_id: post.id,
            community_id: placement.community.actor.id,
            thread_id: placement.thread_id,
            title: title.filter(|_| placement.thread_id == post.id),
        },
    )?;
    let group = &placement.community.actor;
    announce_change(conn, state, group, post, ActivityKind::Create, activity_id)?;
    record_boost(conn, state, group, post)?;
    Ok(())
}

/// After a carried post is edited: its group announces the Update (`activity_id`).
pub(crate) fn edited(
    conn: &mut DbConnection,
    state: &AppState,
    post: &Post,
    activity_id: &str,
) -> Result<(), DbError> {
    if let Some(group) = carrier(conn, post.id)? {
        announce_change(conn, state, &group, post, ActivityKind::Update, activity_id)?;
    }
    Ok(())
}

/// Before a carried post is removed: its group announces the Delete and withdraws its boost.
pub(crate) fn withdrawn(
    conn: &mut DbConnection,
    state: &AppState,
    post: &Post,
) -> Result<(), DbError> {
    if let Some(group) = carrier(conn, post.id)? {
        announce_delete(conn, state, &group, post)?;
        withdraw_boost(conn, state, &group, post)?;
    }
    Ok(())
}

/// The group's Announce of the Create or Update (`kind`, id `activity_id`) of `post` by its
/// author, the object embedded with `audience` = the group, to the group's remote members.
pub(crate) fn announce_change(
    conn: &mut DbConnection,
    state: &AppState,
    group: &Account,
    post: &Post,
    kind: ActivityKind,
    activity_id: &str,
) -> Result<(), DbError> {
    let author = account(conn, post.account_id)?;
    let mut object = note_json(conn, post)?;
    let title = CommunityPost::of_post(conn, post.id)?.and_then(|entry| entry.title);
    address_to_group(&mut object, group, title);
    let inner = create::build(activity_id, kind, &author.uri, &object);
    send(conn, state, group, inner)
}

/// The group's Announce of the Delete of `post` by its author.
pub(crate) fn announce_delete(
    conn: &mut DbConnection,
    state: &AppState,
    group: &Account,
    post: &Post,
) -> Result<(), DbError> {
    let author = account(conn, post.account_id)?;
    let mut inner = delete::build(
        &state.urls().new_activity(),
        &author.uri,
        &post.uri,
        &[PUBLIC.to_string()],
        std::slice::from_ref(&group.uri),
    );
    inner.audience = Reference::parse(&group.uri);
    send(conn, state, group, inner)
}

/// Queues the group's Announce of `inner` (public, to the group's followers) to the inboxes
/// of its remote followers.
fn send<O: serde::Serialize>(
    conn: &mut DbConnection,
    state: &AppState,
    group: &Account,
    inner: trellis_protocol::Activity<O>,
) -> Result<(), DbError> {
    let followers = group.followers_url.clone().unwrap_or_default();
    let activity = announce::of_activity(
        &state.urls().new_activity(),
        &group.uri,
        inner,
        &[PUBLIC.to_string()],
        &[followers],
    );
    let inboxes = Follow::remote_follower_inboxes(conn, group.id)?;
    delivery::enqueue(conn, state, group.id, &activity, inboxes)?;
    Ok(())
}

/// FEP-1b12 addressing of an object the group shares: `audience` is the group, the group is
/// among the recipients, and a thread's title is its `name`.
fn address_to_group(object: &mut Object, group: &Account, title: Option<String>) {
    let Some(group_ref) = Reference::parse(&group.uri) else {
        return;
    };
    let addressed = &mut object.addressed;
    if !addressed.to.0.contains(&group_ref) && !addressed.cc.0.contains(&group_ref) {
        addressed.cc.0.push(group_ref.clone());
    }
    object.audience = Some(group_ref);
    if title.is_some() {
        object.name = title;
    }
}

/// The Group actor of the community that carries `post_id`, if one does.
fn carrier(conn: &mut DbConnection, post_id: i64) -> Result<Option<Account>, DbError> {
    match CommunityPost::of_post(conn, post_id)? {
        Some(entry) => Ok(Some(account(conn, entry.community_id)?)),
        None => Ok(None),
    }
}

fn account(conn: &mut DbConnection, id: i64) -> Result<Account, DbError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)?)
}
