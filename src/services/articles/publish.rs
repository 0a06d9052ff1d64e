//! How an article leaves the article itself: a published article is carried to timelines by a
//! status (a `posts` row of type `Article`) whose replies are its discussion. These functions
//! run inside the caller's transaction; they are the one place where publishing, editing and
//! deleting an article reach anything beyond the `articles` tables.

use crate::db::models::article::Article;
use crate::db::models::{NewPost, Post, Tombstone};
use crate::db::{DbConnection, DbError};
use crate::federation::delivery;
use crate::state::AppState;
use crate::text::escape_html;

/// The status content shown by Mastodon clients: the title, the summary and the link.
pub fn preview_html(state: &AppState, article: &Article) -> String {
    let url = escape_html(&state.urls().article_page(&article.slug));
    let mut html = format!("<p><strong>{}</strong></p>", escape_html(&article.title));
    if !article.summary.is_empty() {
        html.push_str(&format!("<p>{}</p>", escape_html(&article.summary)));
    }
    html.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
    html
}

/// Publishes an article: inserts its public status (which reaches followers' home timelines)
/// and links the article to it.
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
        visibility: "public".into(),
        language: None,
        attachments: "[]".into(),
        local: true,
        created_at: now,
        edited_at: None,
        updated_at: now,
    };
    let post = Post::insert(conn, state.ids(), &new, &[], tags)?;
    Article::set_post(conn, article.id, Some(post.id))?;
    Ok(post)
}

/// Brings the status of a published article up to date after an edit (publishing it when it
/// has none).
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
    let content = preview_html(state, article);
    if content != post.content {
        let now = delivery::now();
        Post::update_content(conn, state.ids(), post.id, &content, None, "", false, now)?;
    }
    Post::replace_mentions_and_tags(conn, post.id, &[], tags)?;
    Ok(())
}

/// Withdraws the status of a deleted article and leaves a Tombstone for its id.
pub fn withdraw(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
) -> Result<(), DbError> {
    let Some(post) = article.post_id.map(|id| Post::find(conn, id)).transpose()? else {
        return Ok(());
    };
    if let Some(post) = post {
        Post::delete(conn, state.ids(), &post)?;
    }
    Tombstone::insert(
        conn,
        &Tombstone {
            uri: state.urls().article(article.id),
            former_type: "Article".into(),
            deleted_at: delivery::now(),
        },
    )?;
    Ok(())
}
