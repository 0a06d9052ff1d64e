//! Read of a must-read article: a reader on another instance acknowledges it, and the origin
//! counts the acknowledgement.

use diesel::Connection;
use serde_json::{Value, json};

use crate::db::models::Post;
use crate::db::models::article::Article;
use crate::db::models::article_revision::Acknowledgement;
use crate::federation::context::FedData;
use crate::federation::delivery;
use crate::federation::error::FederationError;
use crate::federation::objects::person::ActorObject;
use crate::services::visibility;

use super::{Handled, activity_id, object_id, with_context};

/// Builds a Read of `article_uri` by `actor`, addressed to the article's author.
pub fn build(id: &str, actor: &str, article_uri: &str, author: &str) -> Value {
    with_context(json!({
        "id": id,
        "type": "Read",
        "actor": actor,
        "object": article_uri,
        "to": [author],
    }))
}

/// Records the acknowledgement of a local, published must-read article that the reader may
/// see (once per reader; the activity id is kept).
pub async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = object_id(activity)?;
    let uri = activity_id(activity)?;
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
                if !article.must_read || article.status == "draft" {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_names_the_article_and_is_addressed_to_its_author() {
        let read = build(
            "https://beta.test/activities/1",
            "https://beta.test/users/bob",
            "https://alpha.test/articles/7",
            "https://alpha.test/users/alice",
        );
        assert_eq!(read["type"], "Read");
        assert_eq!(read["actor"], "https://beta.test/users/bob");
        assert_eq!(read["object"], "https://alpha.test/articles/7");
        assert_eq!(read["to"][0], "https://alpha.test/users/alice");
        assert!(read["@context"].is_string() || read["@context"].is_array());
    }
}
