//! How an article leaves the article itself: a published article is carried to timelines by a
//! status (a `posts` row of type `Article`) whose replies are its discussion. These functions
//! run inside the caller's transaction; they are the one place where publishing, editing and
//! deleting an article reach anything beyond the `articles` tables.

use diesel::prelude::*;
use trellis_protocol::ActivityKind;

use crate::outbound::activities::{create, delete};
use crate::outbound::delivery;
use crate::outbound::note::note_json;
use crate::state::AppState;
use trellis_content::text::escape_html;
use trellis_storage::models::article::Article;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::{Account, Follow, NewPost, Post, Tombstone};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::channels;
use crate::services::communities::relay;

/// The status content shown by Mastodon clients: the title, the summary and the link.
pub(crate) fn preview_html(state: &AppState, article: &Article) -> String {
    let url = escape_html(&state.urls().article_page(&article.slug));
    let mut html = format!("<p><strong>{}</strong></p>", escape_html(&article.title));
    if !article.summary.is_empty() {
        html.push_str(&format!("<p>{}</p>", escape_html(&article.summary)));
    }
    html.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
    html
}

/// Publishes an article: inserts its public status (which reaches followers' home timelines),
/// links the article to it, sends a Create of the `Article` to the remote followers of the
/// author and of the channels that carry it, and has each channel boost it.
pub fn announce(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
    tags: &[String],
) -> Result<Post, DbError> {
    let now = delivery::now();
    let new = NewPost {
        id: state.ids().next_id(),
        uri: state.urls().article(article.id),
        url: Some(state.urls().article_page(&article.slug)),
        account_id: article.author_id,
        object_type: "Article".into(),
        in_reply_to_id: None,
        in_reply_to_uri: None,
        in_reply_to_account_id: None,
        reblog_of_id: None,
        content: preview_html(state, article),
        source_text: None,
        // Never the title as a content warning.
        summary: String::new(),
        sensitive: false,
        visibility: Visibility::Public,
        language: None,
        attachments: "[]".into(),
        local: true,
        created_at: now,
        edited_at: None,
        updated_at: now,
        local_only: article.local_only,
    };
    let post = crate::changes::posts::store_post(conn, state.ids(), &new, &[], tags)?;
    Article::set_post(conn, article.id, Some(post.id))?;
    send(
        conn,
        state,
        article,
        &post,
        "Create",
        &format!("{}/activity", post.uri),
    )?;
    Ok(post)
}

/// Brings the status of a published article up to date after an edit (publishing it when it
/// has none), sends an Update of the `Article` to the remote followers of the author and of
/// its channels, and moves the channels' boosts when its category changed.
pub fn refresh(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
    tags: &[String],
) -> Result<(), DbError> {
    let existing = match article.post_id {
        Some(id) => Post::find(conn, id)?,
        None => None,
    };
    let Some(post) = existing else {
        announce(conn, state, article, tags)?;
        return Ok(());
    };
    if !post.local {
        // An article from another instance changes only when its author edits it there.
        return Ok(());
    }
    let content = preview_html(state, article);
    if content != post.content {
        let now = delivery::now();
        crate::changes::posts::edit_post(
            conn,
            state.ids(),
            post.id,
            &content,
            None,
            "",
            false,
            now,
        )?;
    }
    Post::replace_mentions_and_tags(conn, post.id, &[], tags)?;
    send(
        conn,
        state,
        article,
        &post,
        "Update",
        &state.urls().new_activity(),
    )?;
    Ok(())
}

/// Withdraws the status of a deleted article (the channels' boosts go with it), sends a
/// Delete to the remote followers of the author and of its channels, and leaves a Tombstone
/// for its id (not for a department-only article, which other servers never saw).
pub fn withdraw(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
) -> Result<(), DbError> {
    let Some(post) = article.post_id.map(|id| Post::find(conn, id)).transpose()? else {
        return Ok(());
    };
    if let Some(post) = post.as_ref().filter(|p| !p.local) {
        // Removing a copy of another instance's article tells nobody.
        crate::changes::posts::remove_post(conn, state.ids(), post)?;
        return Ok(());
    }
    if let Some(post) = post {
        let author = author_of(conn, &post)?;
        let followers = author.followers_url.clone().unwrap_or_default();
        let activity = delete::build(
            &state.urls().new_activity(),
            &author.uri,
            &post.uri,
            &[trellis_protocol::json::context::PUBLIC.to_string()],
            &[followers],
        );
        let carriers = channels::carriers(conn, state, article)?;
        let inboxes = audience_inboxes(conn, &author, &carriers)?;
        delivery::enqueue(conn, state, author.id, &activity, inboxes)?;
        for channel in &carriers {
            relay::announce_delete(conn, state, channel, &post)?;
        }
        crate::changes::posts::remove_post(conn, state.ids(), &post)?;
    }
    // A department-only article was never shown to other servers: its id stays unknown.
    if !article.local_only {
        Tombstone::insert(
            conn,
            &Tombstone {
                uri: state.urls().article(article.id),
                former_type: "Article".into(),
                deleted_at: delivery::now(),
            },
        )?;
    }
    Ok(())
}

/// Queues a Create or Update of the article carried by `post` (as an ActivityPub `Article`) to
/// the remote followers of the author and of the carrying channels, then lines up the
/// channels' boosts.
fn send(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
    post: &Post,
    kind: &str,
    activity_id: &str,
) -> Result<(), DbError> {
    let Some(post) = Post::find(conn, post.id)?.filter(|p| p.local) else {
        return Ok(());
    };
    let author = author_of(conn, &post)?;
    let object = note_json(conn, &post)?;
    let activity = create::build(
        activity_id,
        ActivityKind::from_name(kind),
        &author.uri,
        &object,
    );
    let carriers = channels::carriers(conn, state, article)?;
    let inboxes = audience_inboxes(conn, &author, &carriers)?;
    delivery::enqueue(conn, state, author.id, &activity, inboxes)?;
    channels::sync_boosts(conn, state, &carriers, &post)?;
    for channel in &carriers {
        relay::announce_change(
            conn,
            state,
            channel,
            &post,
            ActivityKind::from_name(kind),
            activity_id,
        )?;
    }
    Ok(())
}

/// Remote inboxes of the author's followers and of the channels' followers (who may not
/// follow the author, and must still learn of edits and deletion).
fn audience_inboxes(
    conn: &mut DbConnection,
    author: &Account,
    carriers: &[Account],
) -> Result<Vec<String>, DbError> {
    let mut inboxes = Follow::remote_follower_inboxes(conn, author.id)?;
    inboxes.extend(channels::follower_inboxes(conn, carriers)?);
    Ok(inboxes)
}

fn author_of(conn: &mut DbConnection, post: &Post) -> Result<Account, DbError> {
    Ok(accounts::table
        .find(post.account_id)
        .select(Account::as_select())
        .first(conn)?)
}
