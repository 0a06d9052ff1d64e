//! The instance's front page.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::viewer::{SignedIn, WebViewer};
use crate::error::HttpError;
use trellis_domain::services::accounts;
use trellis_domain::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    instance_name: &'a str,
    viewer: Option<SignedIn>,
    description: &'a str,
    domain: &'a str,
    contact_email: Option<&'a str>,
    user_count: i64,
}

/// GET /
pub(crate) async fn home(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
) -> Result<Html<String>, HttpError> {
    let usage = accounts::usage(&state).await?;
    let instance = &state.config().instance;
    let page = HomePage {
        instance_name: &instance.name,
        viewer,
        description: &instance.description,
        domain: state.urls().domain(),
        contact_email: instance.contact_email.as_deref(),
        user_count: usage.total,
    };
    Ok(Html(page.render()?))
}
