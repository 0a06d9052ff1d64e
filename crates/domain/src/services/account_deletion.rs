//! Deleting a local person: their followers and follows are told (Delete of the actor), their
//! posts become tombstones, they leave the other accounts' counters, and the account can no
//! longer sign in or be found. The account row and its key stay so the queued Delete can
//! still be signed and delivered.

use diesel::prelude::*;

use crate::outbound::activities::delete;
use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::stream_event::StreamEvent;
use trellis_storage::models::web_session::WebSession;
use trellis_storage::models::{Account, Follow, Post, Tombstone, User, account_counters};
use trellis_storage::schema::accounts as actors;
use trellis_storage::schema::{follows, posts};
use trellis_storage::{DbConnection, DbError};

use super::outbox::publish;
use super::{ServiceError, accounts};

/// Queues the Delete of `account`'s actor (activity id `id`) to the servers of its remote
/// followers and of the accounts it follows; returns the number of deliveries queued. Used
/// when a person is deleted and when a moderator suspends one.
pub(crate) fn announce_actor_delete(
    conn: &mut DbConnection,
    state: &AppState,
    account: &Account,
    id: &str,
) -> Result<usize, DbError> {
    let mut inboxes = Follow::remote_follower_inboxes(conn, account.id)?;
    let followed: Vec<(String, Option<String>)> = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::target_account_id)))
        .filter(follows::account_id.eq(account.id))
        .filter(actors::domain.is_not_null())
        .select((actors::inbox_url, actors::shared_inbox_url))
        .load(conn)?;
    inboxes.extend(
        followed
            .into_iter()
            .map(|(inbox, shared)| shared.unwrap_or(inbox)),
    );
    let activity = delete::actor(id, &account.uri);
    delivery::enqueue(conn, state, account.id, &activity, inboxes)
}

/// Deletes `username`'s presence: queues a Delete of the actor to every remote follower and
/// followed server, removes posts (leaving tombstones) and follows, and disables the user.
pub async fn delete(state: &AppState, username: &str) -> Result<usize, ServiceError> {
    let person = accounts::find(state, username).await?;
    let account = person.account;
    let queued = publish(state, move |conn, state| {
        let queued =
            announce_actor_delete(conn, state, &account, &format!("{}#delete", account.uri))?;
        let own: Vec<Post> = posts::table
            .filter(posts::account_id.eq(account.id))
            .select(Post::as_select())
            .load(conn)?;
        let now = delivery::now();
        for post in &own {
            if post.reblog_of_id.is_none() {
                Tombstone::insert(
                    conn,
                    &Tombstone {
                        uri: post.uri.clone(),
                        former_type: post.object_type.clone(),
                        deleted_at: now,
                    },
                )?;
            }
        }
        Post::withdraw_interactions_of(conn, account.id)?;
        account_counters::withdraw_account(conn, account.id)?;
        diesel::delete(posts::table.filter(posts::account_id.eq(account.id))).execute(conn)?;
        diesel::delete(
            follows::table.filter(
                follows::account_id
                    .eq(account.id)
                    .or(follows::target_account_id.eq(account.id)),
            ),
        )
        .execute(conn)?;
        User::set_disabled(conn, account.id, true)?;
        WebSession::delete_all_of(conn, account.id)?;
        // The person's open streams close (in every process).
        StreamEvent::record_revoke(conn, state.ids(), Some(account.id))?;
        Ok(queued)
    })
    .await?;
    Ok(queued)
}
