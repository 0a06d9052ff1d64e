//! A person's data as the files of one archive (`GET /api/trellis/v1/export` and the web's
//! export page zip them): the profile, posts and articles as ActivityStreams, and follows,
//! likes, bookmarks, lists, blocks and mutes, in the file names and formats of Mastodon's
//! archive and CSV exports where those exist, so other servers' import tools read them.
//!
//! The files are built in memory, a few pages of rows at a time from the database; an
//! archive is about the size of the person's text (media is not exported: there is none yet).

use serde_json::{Value, json};

use super::ServiceError;
use super::audit::{self, Acting, Entry};
use crate::outbound::actor::to_document;
use crate::outbound::collection::outbox_items;
use crate::state::AppState;
use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_storage::models::article::{Article, ArticleFilter, ArticleStatus};
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::block::{Block, Mute};
use trellis_storage::models::bookmark::Bookmark;
use trellis_storage::models::list::List;
use trellis_storage::models::post::{PostAudience, Visibility};
use trellis_storage::models::{Account, Follow, Post};
use trellis_storage::page::Window;
use trellis_storage::{DbConnection, DbError};

/// Rows read per query while walking a person's data.
const BATCH: i64 = 200;

/// Every post of a person, whatever its audience: it is their own data.
const EVERYTHING: PostAudience = PostAudience {
    visibilities: Visibility::ALL,
    department_only: true,
};

/// One file of the archive.
#[derive(Clone, Debug)]
pub struct ExportFile {
    /// Its name in the archive.
    pub name: &'static str,
    /// Its content.
    pub content: Vec<u8>,
}

/// The files of `account`'s archive. Recorded in the audit log as `account.export`.
pub async fn archive(
    state: &AppState,
    acting: &Acting,
    account: &Account,
) -> Result<Vec<ExportFile>, ServiceError> {
    let person = account.clone();
    let context = state.clone();
    let contents = state
        .db()
        .read(move |conn| files_of(conn, &context, &person))
        .await?;
    let mut files = Vec::with_capacity(contents.len() + 1);
    let actor = to_document(account, state.urls());
    files.push(ExportFile {
        name: "actor.json",
        content: serde_json::to_vec_pretty(&actor).map_err(unwritable)?,
    });
    for (name, content) in contents {
        let content = match content {
            Content::Json(value) => serde_json::to_vec_pretty(&value).map_err(unwritable)?,
            Content::Text(text) => text.into_bytes(),
        };
        files.push(ExportFile { name, content });
    }
    let ids = state.clone();
    let acting = acting.clone();
    let entry = Entry::new("account.export", format!("@{}", account.username));
    state
        .db()
        .write(move |conn| audit::record(conn, &ids, &acting, entry))
        .await?;
    Ok(files)
}

/// What a file of the archive holds before it is written out.
enum Content {
    /// A JSON document.
    Json(Value),
    /// CSV text.
    Text(String),
}

fn unwritable(err: serde_json::Error) -> ServiceError {
    ServiceError::Internal(format!("writing the archive: {err}"))
}

/// Every file but the actor document, read in one transaction-less pass.
fn files_of(
    conn: &mut DbConnection,
    state: &AppState,
    account: &Account,
) -> Result<Vec<(&'static str, Content)>, DbError> {
    let address = |a: &Account| {
        let domain = a.domain.as_deref().unwrap_or(state.urls().domain());
        format!("{}@{domain}", a.username)
    };
    let mut files = vec![
        ("outbox.json", Content::Json(outbox(conn, account)?)),
        (
            "articles.json",
            Content::Json(articles(conn, state, account.id)?),
        ),
        (
            "likes.json",
            Content::Json(uri_collection("likes.json", likes(conn, account.id)?)),
        ),
        (
            "bookmarks.json",
            Content::Json(uri_collection(
                "bookmarks.json",
                bookmarks(conn, account.id)?,
            )),
        ),
    ];
    let following = all_by_offset(|offset| Follow::following(conn, account.id, offset, BATCH))?;
    files.push(csv_file(
        "following_accounts.csv",
        Some("Account address,Show boosts,Notify on new posts,Languages"),
        following
            .iter()
            .map(|a| format!("{},true,false,", address(a))),
    ));
    let followers = all_by_offset(|offset| Follow::followers(conn, account.id, offset, BATCH))?;
    files.push(csv_file(
        "followers.csv",
        Some("Account address"),
        followers.iter().map(address),
    ));
    let blocked = all_by_window(|window| Block::page(conn, account.id, window))?;
    files.push(csv_file(
        "blocked_accounts.csv",
        None,
        blocked.iter().map(address),
    ));
    let now = chrono::Utc::now().naive_utc();
    let muted = all_by_window(|window| Mute::page(conn, account.id, window, now))?;
    files.push(csv_file(
        "muted_accounts.csv",
        Some("Account address,Hide notifications"),
        muted.iter().map(|a| format!("{},true", address(a))),
    ));
    let mut list_rows = Vec::new();
    for list in List::all_of(conn, account.id)? {
        let members = all_by_window(|window| {
            let page = List::members_page(conn, list.id, window)?;
            Ok(page.into_iter().map(|a| (a.id, a)).collect())
        })?;
        list_rows.extend(
            members
                .iter()
                .map(|member| format!("{},{}", csv_field(&list.title), address(member))),
        );
    }
    files.push(csv_file("lists.csv", None, list_rows.into_iter()));
    Ok(files)
}

/// The person's posts and boosts, newest first, as Mastodon's `outbox.json`.
fn outbox(conn: &mut DbConnection, account: &Account) -> Result<Value, DbError> {
    let followers = account.followers_url.clone().unwrap_or_default();
    let mut items = Vec::new();
    let mut max_id = None;
    loop {
        let posts = Post::by_account_in(conn, account.id, &EVERYTHING, max_id, BATCH)?;
        items.extend(outbox_items(conn, &account.uri, &followers, &posts)?);
        match posts.last() {
            Some(last) if posts.len() as i64 == BATCH => max_id = Some(last.id),
            _ => break,
        }
    }
    Ok(json!({
        "@context": ACTIVITYSTREAMS,
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    }))
}

/// Every article the person wrote, drafts included, with its Markdown source.
fn articles(conn: &mut DbConnection, state: &AppState, author: i64) -> Result<Value, DbError> {
    let filter = ArticleFilter {
        statuses: ArticleStatus::ALL.to_vec(),
        author_id: Some(author),
        ..ArticleFilter::default()
    };
    let found = all_by_window(|window| {
        let page = Article::list(conn, &filter, window)?;
        Ok(page.into_iter().map(|a| (a.id, a)).collect())
    })?;
    let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
    let tags = Article::tags_of(conn, &ids)?;
    let category_ids: Vec<i64> = found.iter().filter_map(|a| a.category_id).collect();
    let categories = ArticleCategory::by_ids(conn, &category_ids)?;
    let items: Vec<Value> = found
        .iter()
        .map(|article| {
            let category = categories
                .iter()
                .find(|c| Some(c.id) == article.category_id)
                .map(|c| c.name.clone());
            let tags: Vec<&str> = tags
                .iter()
                .filter(|(id, _)| *id == article.id)
                .map(|(_, tag)| tag.as_str())
                .collect();
            json!({
                "id": state.urls().article(article.id),
                "slug": article.slug,
                "title": article.title,
                "summary": article.summary,
                "source": {"content": article.body_markdown, "mediaType": "text/markdown"},
                "content": article.body_html,
                "status": article.status.as_str(),
                "visibility": if article.local_only { "department" } else { "public" },
                "official": article.official,
                "mustRead": article.must_read,
                "category": category,
                "tags": tags,
                "reviewBy": article.review_by,
                "created": article.created_at.and_utc(),
                "updated": article.updated_at.and_utc(),
                "published": article.published_at.map(|at| at.and_utc()),
            })
        })
        .collect();
    Ok(Value::Array(items))
}

/// The ids of the posts the person liked, newest like first.
fn likes(conn: &mut DbConnection, account: i64) -> Result<Vec<String>, DbError> {
    let liked = all_by_window(|window| Post::favourited_page(conn, account, window))?;
    Ok(liked.into_iter().map(|post| post.uri).collect())
}

/// The ids of the posts the person bookmarked, newest bookmark first.
fn bookmarks(conn: &mut DbConnection, account: i64) -> Result<Vec<String>, DbError> {
    let kept = all_by_window(|window| Bookmark::page(conn, account, window))?;
    Ok(kept.into_iter().map(|post| post.uri).collect())
}

/// An OrderedCollection of ids, as Mastodon's `likes.json` and `bookmarks.json`.
fn uri_collection(id: &str, uris: Vec<String>) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "OrderedCollection",
        "totalItems": uris.len(),
        "orderedItems": uris,
    })
}

/// Every item of a newest-first list read a window at a time (items keyed by their row id).
fn all_by_window<T>(
    mut page: impl FnMut(Window) -> Result<Vec<(i64, T)>, DbError>,
) -> Result<Vec<T>, DbError> {
    let mut all = Vec::new();
    let mut window = Window::latest(BATCH);
    loop {
        let rows = page(window)?;
        let full = rows.len() as i64 == BATCH;
        let last = rows.last().map(|(id, _)| *id);
        all.extend(rows.into_iter().map(|(_, item)| item));
        match last {
            Some(last) if full => window.max_id = Some(last),
            _ => return Ok(all),
        }
    }
}

/// Every item of a list read by offset, a batch at a time.
fn all_by_offset<T>(
    mut page: impl FnMut(i64) -> Result<Vec<T>, DbError>,
) -> Result<Vec<T>, DbError> {
    let mut all = Vec::new();
    loop {
        let rows = page(all.len() as i64)?;
        let full = rows.len() as i64 == BATCH;
        all.extend(rows);
        if !full {
            return Ok(all);
        }
    }
}

/// A CSV file: the header line, if any, then one line per row.
fn csv_file(
    name: &'static str,
    header: Option<&str>,
    rows: impl Iterator<Item = String>,
) -> (&'static str, Content) {
    let mut text = String::new();
    for line in header.map(str::to_string).into_iter().chain(rows) {
        text.push_str(&line);
        text.push('\n');
    }
    (name, Content::Text(text))
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_with_separators_are_quoted() {
        assert_eq!(csv_field("Team"), "Team");
        assert_eq!(csv_field("Ops, on call"), "\"Ops, on call\"");
        assert_eq!(csv_field("the \"core\""), "\"the \"\"core\"\"\"");
    }
}
