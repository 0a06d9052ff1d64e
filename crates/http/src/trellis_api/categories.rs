//! `/api/trellis/v1/categories`: the article taxonomy (changes by editors and admins).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::entities::CategoryEntity;
use super::{READ, WRITE};
use crate::api::auth::Auth;
use crate::api::params::{ApiForm, de};
use crate::error::HttpError;
use trellis_domain::services::articles::categories;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/trellis/v1/categories", get(index).post(create))
        .route(
            "/api/trellis/v1/categories/{slug}",
            get(show).patch(update).delete(delete),
        )
}

/// Body of `POST` and `PATCH`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CategoryBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    slug: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
}

/// `GET /api/trellis/v1/categories`: every category, by name.
pub(crate) async fn index(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<CategoryEntity>>, HttpError> {
    auth.person(READ)?;
    let all = categories::all(&state).await?;
    Ok(Json(
        all.iter().map(|c| CategoryEntity::new(&state, c)).collect(),
    ))
}

/// `GET /api/trellis/v1/categories/:slug`.
pub(crate) async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<CategoryEntity>, HttpError> {
    auth.person(READ)?;
    let category = categories::get(&state, &slug).await?;
    Ok(Json(CategoryEntity::new(&state, &category)))
}

/// `POST /api/trellis/v1/categories`: 201 with the category.
pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<CategoryBody>,
) -> Result<(StatusCode, Json<CategoryEntity>), HttpError> {
    let me = auth.person(WRITE)?;
    let category = categories::create(
        &state,
        me,
        body.slug,
        body.name.as_deref().unwrap_or(""),
        body.description.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CategoryEntity::new(&state, &category)),
    ))
}

/// `PATCH /api/trellis/v1/categories/:slug`: name and description (the slug stays).
pub(crate) async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    ApiForm(body): ApiForm<CategoryBody>,
) -> Result<Json<CategoryEntity>, HttpError> {
    let me = auth.person(WRITE)?;
    let category = categories::update(
        &state,
        me,
        &slug,
        body.name.as_deref(),
        body.description.as_deref(),
    )
    .await?;
    Ok(Json(CategoryEntity::new(&state, &category)))
}

/// `DELETE /api/trellis/v1/categories/:slug`: 409 while articles are filed under it.
pub(crate) async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person(WRITE)?;
    categories::delete(&state, me, &slug).await?;
    Ok(Json(json!({})))
}
