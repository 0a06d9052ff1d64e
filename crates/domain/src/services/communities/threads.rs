//! A community's threads: posting one through the Trellis API and reading them, newest first.

use crate::services::ServiceError;
use crate::services::posts::{self, Draft};
use crate::services::timelines::{StatusPage, finish_page};
use crate::state::{AppState, FedData};
use trellis_storage::models::community::CommunityPost;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::{Account, Post};
use trellis_storage::page::Window;

use super::named;

/// Posts `text` to the community named `name` as `author`: a new thread (titled `title`,
/// which also opens the text for Mastodon readers) or, with `in_reply_to`, a reply. The post
/// mentions the group, as a post from a Mastodon app does; 422 naming the rule when the
/// author may not post there.
pub async fn post(
    data: &FedData,
    author: &Account,
    name: &str,
    title: Option<String>,
    text: &str,
    in_reply_to: Option<String>,
) -> Result<Post, ServiceError> {
    let group = super::manage::get(data, name).await?.actor;
    let title = title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let mut body = format!("@{} {}", group.username, text.trim());
    if let Some(title) = &title {
        body = format!("{title}\n\n{body}");
    }
    let draft = Draft {
        text: body,
        visibility: Visibility::Public,
        in_reply_to,
        spoiler_text: String::new(),
        sensitive: false,
        language: None,
        local_only: false,
        idempotency_key: None,
        poll: None,
    };
    posts::create_titled(data, author, draft, title).await
}

/// A page of the community's thread starts that `viewer` may see, newest first.
pub async fn page(
    state: &AppState,
    viewer: i64,
    name: &str,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    let name = name.to_string();
    state
        .db()
        .read(move |conn| {
            let found = match named(conn, &name)? {
                Ok(found) => found,
                Err(e) => return Ok(Err(e)),
            };
            let threads = CommunityPost::threads(conn, found.actor.id, window)?;
            let cursors: Vec<i64> = threads.iter().map(|t| t.post_id).collect();
            let mut rows = Vec::with_capacity(cursors.len());
            let mut loaded = Post::find_many(conn, &cursors)?;
            for id in &cursors {
                if let Some(i) = loaded.iter().position(|p| p.id == *id) {
                    rows.push(loaded.swap_remove(i));
                }
            }
            Ok(Ok(finish_page(conn, rows, cursors, Some(viewer), &[])?))
        })
        .await?
}
