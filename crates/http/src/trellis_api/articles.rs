//! `/api/trellis/v1/articles`: write, read, list, edit and delete articles, their revisions
//! and must-read acknowledgements.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::entities::{AcknowledgementsEntity, ArticleEntity, RevisionEntity};
use super::{DEPARTMENT, PUBLIC, READ, WRITE};
use crate::api::auth::Auth;
use crate::api::entities::datetime;
use crate::api::pagination::{MAX_LIMIT, PageParams, Paged};
use crate::api::params::{ApiForm, ApiQuery, de};
use crate::api::statuses::parse_id;
use crate::error::HttpError;
use trellis_domain::services::articles::queries::ListQuery;
use trellis_domain::services::articles::{
    self, ArticleInput, ArticlePatch, acknowledgements, queries, today,
};
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/trellis/v1/articles", get(index).post(create))
        .route(
            "/api/trellis/v1/articles/{id}",
            get(show).patch(update).delete(delete),
        )
        .route("/api/trellis/v1/articles/{id}/revisions", get(revisions))
        .route(
            "/api/trellis/v1/articles/{id}/acknowledge",
            post(acknowledge),
        )
        .route(
            "/api/trellis/v1/articles/{id}/acknowledgements",
            get(acknowledgements),
        )
}

/// Body of `POST /api/trellis/v1/articles` and `PATCH /api/trellis/v1/articles/:id`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ArticleBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    summary: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    body: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    category: Option<String>,
    #[serde(default, deserialize_with = "opt_strings")]
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    official: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    must_read: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pinned: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    review_by: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    slug: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    owner: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    change_note: Option<String>,
    /// `department` (people of this instance only) or `public` (the default); set when the
    /// article is created.
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

/// Whether an article's requested visibility makes it department-only.
fn department_only(visibility: Option<&str>) -> Result<bool, HttpError> {
    match visibility {
        None | Some(PUBLIC) => Ok(false),
        Some(DEPARTMENT) => Ok(true),
        Some(_) => Err(HttpError::from(
            trellis_domain::services::ServiceError::invalid(
                "visibility",
                "must be public or department",
            ),
        )),
    }
}

/// A list that was sent (even empty), told apart from one that was not.
fn opt_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::strings(d).map(Some)
}

/// Query of `GET /api/trellis/v1/articles`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListParams {
    #[serde(flatten)]
    page: PageParams,
    #[serde(default, deserialize_with = "de::opt_string")]
    category: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    tag: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    author: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    official: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    stale: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    origin: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
}

/// `POST /api/trellis/v1/articles`: 201 with the article.
pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<ArticleBody>,
) -> Result<(StatusCode, Json<ArticleEntity>), HttpError> {
    let me = auth.person(WRITE)?;
    let input = ArticleInput {
        title: body.title.unwrap_or_default(),
        summary: body.summary.unwrap_or_default(),
        body: body.body.unwrap_or_default(),
        category: body.category,
        tags: body.tags.unwrap_or_default(),
        official: body.official.unwrap_or(false),
        must_read: body.must_read.unwrap_or(false),
        pinned: body.pinned.unwrap_or(false),
        status: body.status,
        review_by: body.review_by,
        slug: body.slug,
        owner: body.owner,
        change_note: body.change_note,
        department_only: department_only(body.visibility.as_deref())?,
    };
    let view = articles::create(&state, me, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ArticleEntity::new(&state, &view, today())),
    ))
}

/// `GET /api/trellis/v1/articles/:id`.
pub(crate) async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ArticleEntity>, HttpError> {
    let me = auth.person(READ)?;
    let view = queries::get(&state, me, parse_id(&id)?).await?;
    Ok(Json(ArticleEntity::new(&state, &view, today())))
}

/// `PATCH /api/trellis/v1/articles/:id`: only the fields sent change.
pub(crate) async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<ArticleBody>,
) -> Result<Json<ArticleEntity>, HttpError> {
    let me = auth.person(WRITE)?;
    let id = parse_id(&id)?;
    if body.slug.is_some() {
        return Err(HttpError::from(
            trellis_domain::services::ServiceError::invalid(
                "slug",
                "cannot be changed (the article's URL stays stable)",
            ),
        ));
    }
    let patch = ArticlePatch {
        title: body.title,
        summary: body.summary,
        body: body.body,
        category: body.category,
        tags: body.tags,
        official: body.official,
        must_read: body.must_read,
        pinned: body.pinned,
        status: body.status,
        review_by: body.review_by,
        owner: body.owner,
        change_note: body.change_note,
    };
    let view = articles::edit(&state, me, id, patch).await?;
    Ok(Json(ArticleEntity::new(&state, &view, today())))
}

/// `DELETE /api/trellis/v1/articles/:id`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person(WRITE)?;
    articles::delete(&state, me, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

/// `GET /api/trellis/v1/articles`: newest first (paged by id), or with `q` best matches
/// first (paged by `offset`), with filters and a `Link` header.
pub(crate) async fn index(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Paged<ArticleEntity>, HttpError> {
    let me = auth.person(READ)?;
    let query = ListQuery {
        category: params.category,
        tag: params.tag,
        author: params.author,
        status: params.status,
        official: params.official,
        stale: params.stale,
        q: params.q,
        origin: params.origin,
        offset: params.offset,
    };
    let ranked = query.ranked();
    let offset = query.offset.unwrap_or(0);
    let window = params.page.window(MAX_LIMIT);
    let views = queries::list(&state, me, query, window).await?;
    let today = today();
    let cursors: Vec<i64> = views.iter().map(|v| v.article.id).collect();
    let items = views
        .iter()
        .map(|v| ArticleEntity::new(&state, v, today))
        .collect();
    Ok(if ranked {
        Paged::by_offset(&state, &uri, items, offset, window.limit)
    } else {
        Paged::new(&state, &uri, items, &cursors)
    })
}

/// `GET /api/trellis/v1/articles/:id/revisions`: newest first.
pub(crate) async fn revisions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionEntity>>, HttpError> {
    let me = auth.person(READ)?;
    let revisions = queries::revisions(&state, me, parse_id(&id)?).await?;
    Ok(Json(
        revisions
            .iter()
            .map(|r| RevisionEntity::new(&state, r))
            .collect(),
    ))
}

/// `POST /api/trellis/v1/articles/:id/acknowledge`: idempotent.
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person(WRITE)?;
    let id = parse_id(&id)?;
    let at = acknowledgements::acknowledge(&state, me, id).await?;
    Ok(Json(json!({
        "article_id": id.to_string(),
        "acknowledged": true,
        "acknowledged_at": datetime(at),
    })))
}

/// `GET /api/trellis/v1/articles/:id/acknowledgements`.
pub(crate) async fn acknowledgements(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<AcknowledgementsEntity>, HttpError> {
    let me = auth.person(READ)?;
    let report = acknowledgements::report(&state, me, parse_id(&id)?).await?;
    Ok(Json(AcknowledgementsEntity::new(&state, &report)))
}
