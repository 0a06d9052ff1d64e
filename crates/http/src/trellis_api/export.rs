//! `GET /api/trellis/v1/export`: the person's data as a zip (see `services::export`), for a
//! token with the whole `read` scope.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::api::auth::Auth;
use crate::audit_context::ClientOrigin;
use crate::error::HttpError;
use crate::export_archive;
use trellis_domain::state::AppState;

/// Everything a person can read of their own: only the whole `read` scope grants it.
const EXPORT_SCOPE: &str = "read";

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/trellis/v1/export", get(export))
}

/// GET /api/trellis/v1/export
async fn export(
    State(state): State<AppState>,
    auth: Auth,
    origin: ClientOrigin,
) -> Result<Response, HttpError> {
    let me = auth.person(EXPORT_SCOPE)?;
    let acting = origin.acting(me);
    export_archive::download(&state, &acting, me).await
}
