//! Delete of a post, or of the actor itself.

use diesel::Connection;
use trellis_protocol::{Activity, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::services::communities::posting;
use trellis_domain::state::FedData;
use trellis_storage::models::Post;
use trellis_storage::models::article::Article;

use super::Handled;

/// Removes the actor's post, or the actor with everything of theirs.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Reference>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = activity.object.as_str().to_string();
    let account = actor.account.clone();
    let state = (*data).clone();
    data.db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if target == account.uri {
                    trellis_domain::changes::accounts::remove_remote_account(conn, account.id)?;
                    return Ok(Handled::Applied);
                }
                match Post::find_by_uri(conn, &target)? {
                    Some(post) if post.account_id == account.id => {
                        Article::delete_by_post(conn, post.id)?;
                        posting::withdrawn(conn, &state, &post)?;
                        trellis_domain::changes::posts::remove_post(conn, state.ids(), &post)?;
                        Ok(Handled::Applied)
                    }
                    Some(_) => Err(trellis_storage::DbError::Query(
                        diesel::result::Error::RollbackTransaction,
                    )),
                    None => Ok(Handled::Ignored("delete of an unknown object")),
                }
            })
        })
        .await
        .map_err(|e| match e {
            trellis_storage::DbError::Query(diesel::result::Error::RollbackTransaction) => {
                FederationError::Forbidden("an actor may only delete its own objects".into())
            }
            other => other.into(),
        })
}
