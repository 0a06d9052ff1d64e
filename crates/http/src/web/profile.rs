//! The public profile page of a local person.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use super::viewer::SignedIn;
use crate::error::HttpError;
use trellis_domain::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::account::ProfileField;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    instance_name: String,
    viewer: Option<SignedIn>,
    display_name: String,
    handle: String,
    actor_url: String,
    avatar_url: String,
    bio: String,
    job_title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    expertise: Vec<String>,
    fields: Vec<ProfileField>,
}

/// Renders a profile page for a browser (`viewer` is who is looking, for the page header).
pub(crate) fn profile_page(
    state: &AppState,
    viewer: Option<SignedIn>,
    account: &Account,
) -> Result<Response, HttpError> {
    let page = ProfilePage {
        instance_name: state.config().instance.name.clone(),
        viewer,
        display_name: account.display_name.clone(),
        handle: format!("{}@{}", account.username, state.urls().domain()),
        actor_url: account.uri.clone(),
        avatar_url: account
            .avatar_url
            .clone()
            .unwrap_or_else(|| state.urls().default_avatar()),
        bio: account.bio.clone(),
        job_title: account.job_title.clone(),
        department: account.department.clone(),
        location: account.location.clone(),
        expertise: account.expertise_tags(),
        fields: account.profile_fields(),
    };
    Ok(Html(page.render()?).into_response())
}
