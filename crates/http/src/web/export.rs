//! The page from which a signed-in person downloads their data (`/settings/export`), and the
//! download itself (`/settings/export/archive`), behind the personal pages' gate.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, Response};
use axum::routing::get;

use super::viewer::{SignedIn, WebViewer};
use crate::audit_context::ClientOrigin;
use crate::error::HttpError;
use crate::export_archive;
use trellis_domain::state::AppState;

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage<'a> {
    instance_name: &'a str,
    viewer: Option<SignedIn>,
}

/// The export routes (the caller puts them behind `gate::personal_pages`).
pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/settings/export", get(page))
        .route("/settings/export/archive", get(archive))
}

/// GET /settings/export
async fn page(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
) -> Result<Html<String>, HttpError> {
    let page = ExportPage {
        instance_name: &state.config().instance.name,
        viewer,
    };
    Ok(Html(page.render()?))
}

/// GET /settings/export/archive: the zip of the signed-in person's data.
async fn archive(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
    origin: ClientOrigin,
) -> Result<Response, HttpError> {
    let person = viewer
        .ok_or_else(|| HttpError::new(StatusCode::UNAUTHORIZED, "Sign in to download your data"))?;
    let acting = origin.acting(&person.account);
    export_archive::download(&state, &acting, &person.account).await
}
