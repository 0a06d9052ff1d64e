//! Read of a must-read article: a reader on another instance acknowledges it, and the origin
//! counts the acknowledgement.

use diesel::Connection;
use trellis_domain::services::visibility;
use trellis_protocol::{Activity, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::outbound::delivery;
use trellis_domain::state::FedData;
use trellis_storage::models::Post;
use trellis_storage::models::article::{Article, ArticleStatus};
use trellis_storage::models::article_revision::Acknowledgement;

use super::Handled;

/// Records the acknowledgement of a local, published must-read article that the reader may
/// see (once per reader; the activity id is kept).
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Reference>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = activity.object.as_str().to_string();
    let uri = activity.id.to_string();
    let account_id = actor.account.id;
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let Some(post) = Post::find_by_uri(conn, &target)?.filter(|p| p.local) else {
                    return Ok(Handled::Ignored("read of an unknown object"));
                };
                if !visibility::can_see(conn, &post, Some(account_id))? {
                    return Ok(Handled::Ignored("read of an unknown object"));
                }
                let Some(article) = Article::find_by_post(conn, post.id)? else {
                    return Ok(Handled::Ignored("read of something that is not an article"));
                };
                if !article.must_read || article.status == ArticleStatus::Draft {
                    return Ok(Handled::Ignored("read of an article that is not must-read"));
                }
                Acknowledgement::insert_or_get(
                    conn,
                    &Acknowledgement {
                        article_id: article.id,
                        account_id,
                        created_at: delivery::now(),
                        uri: Some(uri),
                    },
                )?;
                Ok(Handled::Applied)
            })
        })
        .await?)
}
