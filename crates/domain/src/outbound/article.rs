//! A local intranet article as an ActivityPub `Article` (FEP-b2b8 long-form text), built on
//! the note JSON of its status.

use serde_json::{Value, json};

use trellis_content::text::escape_html;
use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_protocol::object::Preview;
use trellis_protocol::{Many, Object, ObjectKind};
use trellis_storage::models::Post;
use trellis_storage::models::article::Article;
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::{DbConnection, DbError};

/// Namespace of the Trellis extension terms (`category`, `official`, `mustRead`).
pub use trellis_protocol::json::context::TRELLIS_NS;

/// The JSON-LD context of an Article.
pub(crate) fn article_context() -> Value {
    json!([ACTIVITYSTREAMS, {
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "trellis": TRELLIS_NS,
        "category": "trellis:category",
        "official": "trellis:official",
        "mustRead": "trellis:mustRead"
    }])
}

/// Turns the note JSON of a local article's status into the Article (looked up by status).
pub(crate) fn decorate(
    conn: &mut DbConnection,
    note: &mut Object,
    post: &Post,
) -> Result<(), DbError> {
    let Some(article) = Article::find_by_post(conn, post.id)? else {
        return Ok(());
    };
    let category = match article.category_id {
        Some(id) => ArticleCategory::by_ids(conn, &[id])?
            .into_iter()
            .next()
            .map(|c| c.name),
        None => None,
    };
    article_fields(note, &article, category, &post.content);
    Ok(())
}

/// Sets the Article properties on the note JSON of its status: `name`, `summary`, the full
/// `content`, `mediaType`, `updated`, the Trellis extensions and the FEP-b2b8 `preview` Note
/// (whose content is the status text: title, summary and link).
pub fn article_fields(
    note: &mut Object,
    article: &Article,
    category: Option<String>,
    preview_html: &str,
) {
    note.context = Some(article_context());
    note.kind = ObjectKind::Article;
    note.name = Some(article.title.clone());
    note.summary = Some(escape_html(&article.summary)).filter(|s| !s.is_empty());
    note.content = Some(article.body_html.clone());
    note.media_type = Some("text/html".into());
    note.sensitive = None;
    let published = article.published_at.unwrap_or(article.created_at);
    note.published = Some(published.and_utc());
    note.updated = (article.updated_at > published).then(|| article.updated_at.and_utc());
    note.category = category;
    note.official = Some(article.official);
    note.must_read = Some(article.must_read);
    note.preview = Some(Preview {
        kind: ObjectKind::Note,
        attributed_to: note.attributed_to.clone(),
        content: Some(preview_html.to_string()),
        media_type: Some("text/html".into()),
        published: Some(published.and_utc()),
        addressed: note.addressed.clone(),
        attachment: Many::default(),
    });
}
