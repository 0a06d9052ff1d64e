//! Trellis's own API under `/api/trellis/v1` (articles and their categories), authenticated
//! with the client API's OAuth tokens and scopes: `read:statuses` (or `read`) for reading,
//! `write:statuses` (or `write`) for changes. Described in `docs/openapi.json`.

pub(crate) mod articles;
pub(crate) mod audit;
pub(crate) mod categories;
pub(crate) mod communities;
pub(crate) mod entities;
pub(crate) mod export;

use axum::Router;

use trellis_domain::state::AppState;

/// Scope needed to read articles and categories.
pub(crate) const READ: &str = "read:statuses";
/// Scope needed to change them.
pub(crate) const WRITE: &str = "write:statuses";

/// The visibility of an article for everyone its rules allow.
pub(crate) const PUBLIC: &str = "public";
/// The visibility of a department-only article: people of this instance only.
pub(crate) const DEPARTMENT: &str = "department";

/// Every route of the Trellis API.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(articles::routes())
        .merge(categories::routes())
        .merge(communities::routes())
        .merge(audit::routes())
        .merge(export::routes())
}
