//! Delete of a post, or of the actor itself.

use diesel::Connection;
use serde_json::{Value, json};

use crate::db::models::article::Article;
use crate::db::models::{Account, Post};
use crate::federation::context::FedData;
use crate::federation::error::FederationError;
use crate::federation::objects::person::ActorObject;

use super::{Handled, object_id, with_context};

/// Builds a Delete of `object_uri`, sent as a Tombstone with the post's former addressing.
pub fn build(id: &str, actor: &str, object_uri: &str, to: &[String], cc: &[String]) -> Value {
    with_context(json!({
        "id": id,
        "type": "Delete",
        "actor": actor,
        "to": to,
        "cc": cc,
        "object": { "id": object_uri, "type": "Tombstone" },
    }))
}

/// Removes the actor's post, or the actor with everything of theirs.
pub async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = object_id(activity)?;
    let account = actor.account.clone();
    let state = (*data).clone();
    data.db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if target == account.uri {
                    Account::delete_remote(conn, account.id)?;
                    return Ok(Handled::Applied);
                }
                match Post::find_by_uri(conn, &target)? {
                    Some(post) if post.account_id == account.id => {
                        Article::delete_by_post(conn, post.id)?;
                        Post::delete(conn, state.ids(), &post)?;
                        Ok(Handled::Applied)
                    }
                    Some(_) => Err(crate::db::DbError::Query(
                        diesel::result::Error::RollbackTransaction,
                    )),
                    None => Ok(Handled::Ignored("delete of an unknown object")),
                }
            })
        })
        .await
        .map_err(|e| match e {
            crate::db::DbError::Query(diesel::result::Error::RollbackTransaction) => {
                FederationError::Forbidden("an actor may only delete its own objects".into())
            }
            other => other.into(),
        })
}
