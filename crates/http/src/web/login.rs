//! Web sign-in: `GET /login` (the form), `POST /login` (checks the credentials and starts a
//! session), `POST /logout` (ends it).
//!
//! CSRF: the sign-in form carries a random token that must equal the `trellis_login` cookie
//! set with the form (a page on another site can neither read nor set it); the sign-out form
//! carries a token derived from the session's token. Both cookies are `HttpOnly` and
//! `SameSite`; the session cookie is `Secure` when the instance is served over https.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::cookies::{self, SetCookie};
use super::sign_in_options::{SsoButton, passwords_off, sso_button};
use super::viewer::{SESSION_COOKIE, WebViewer, session_token, sign_out_token};
use crate::api::params::{ApiForm, de};
use crate::client_address::ClientAddress;
use crate::error::HttpError;
use crate::oauth::authorize::page;
use trellis_domain::services::ServiceError;
use trellis_domain::services::oauth::{self, constant_time_eq, random_secret};
use trellis_domain::services::web_sessions::{self, SESSION_LIFETIME};
use trellis_domain::state::AppState;

/// The cookie that carries the sign-in form's CSRF token.
const LOGIN_COOKIE: &str = "trellis_login";
/// How long a sign-in form can be submitted.
const LOGIN_FORM_SECS: i64 = 3600;
/// Longest `next` path kept.
const NEXT_MAX: usize = 2048;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(show).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    instance_name: &'a str,
    csrf: &'a str,
    next: &'a str,
    login: &'a str,
    error: Option<&'a str>,
    password_login: bool,
    sso: Option<SsoButton>,
}

/// Query of the sign-in page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

/// Fields of the sign-in form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    login: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    next: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
}

/// Fields of the sign-out form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
}

/// `next` when it is a path on this instance, otherwise `/` (never another host).
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path.len() <= NEXT_MAX
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

fn secure(state: &AppState) -> bool {
    state.config().scheme() == "https"
}

fn login_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    SetCookie {
        name: LOGIN_COOKIE,
        value,
        path: "/login",
        same_site: "Strict",
        max_age,
        secure: secure(state),
    }
    .header()
}

/// The `Set-Cookie` value of the session cookie (`max_age` 0 deletes it).
pub(crate) fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    SetCookie {
        name: SESSION_COOKIE,
        value,
        path: "/",
        same_site: "Lax",
        max_age,
        secure: secure(state),
    }
    .header()
}

/// The sign-in page with `csrf` in its form (and in its cookie).
fn form(
    state: &AppState,
    status: StatusCode,
    csrf: &str,
    next: &str,
    login: &str,
    error: Option<&str>,
) -> Result<Response, HttpError> {
    let html = LoginPage {
        instance_name: &state.config().instance.name,
        csrf,
        next,
        login,
        error,
        password_login: state.config().sign_in.password_login,
        sso: sso_button(state, next),
    }
    .render()?;
    let mut response = page(status, html);
    response.headers_mut().append(
        header::SET_COOKIE,
        login_cookie(state, csrf, LOGIN_FORM_SECS),
    );
    Ok(response)
}

/// A 303 to `location` that is never cached.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = Redirect::to(location).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// GET /login
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: WebViewer,
    Query(query): Query<LoginQuery>,
) -> Result<Response, HttpError> {
    let next = local_path(query.next.as_deref());
    if viewer.0.is_some() {
        return Ok(see_other(next));
    }
    form(&state, StatusCode::OK, &random_secret(), next, "", None)
}

/// POST /login
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    ApiForm(fields): ApiForm<LoginForm>,
) -> Result<Response, HttpError> {
    if !state.config().sign_in.password_login {
        return Err(passwords_off());
    }
    let expected = cookies::read(&headers, LOGIN_COOKIE);
    let csrf = match (expected, fields.csrf.as_deref()) {
        (Some(expected), Some(sent)) if constant_time_eq(expected, sent) => sent,
        _ => {
            return Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "The sign-in form has expired or did not come from this site. Open the sign-in page and try again.",
            ));
        }
    };
    let next = local_path(fields.next.as_deref());
    let login = fields.login.as_deref().unwrap_or("");
    let password = fields.password.as_deref().unwrap_or("");
    let account = match oauth::verify_login(&state, login, password, client).await {
        Ok(Ok(account)) => account,
        Ok(Err(throttled)) => {
            let seconds = trellis_domain::rate_limit::retry_after_secs(throttled.retry_after);
            let message = format!("Too many failed sign-ins. Try again in {seconds} seconds.");
            let mut response = form(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                csrf,
                next,
                login,
                Some(&message),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return Ok(response);
        }
        Err(ServiceError::Invalid { message, .. }) => {
            return form(
                &state,
                StatusCode::UNAUTHORIZED,
                csrf,
                next,
                login,
                Some(&message),
            );
        }
        Err(other) => return Err(other.into()),
    };
    let session = web_sessions::start(&state, &account).await?;
    let mut response = see_other(next);
    let cookies = response.headers_mut();
    cookies.append(
        header::SET_COOKIE,
        session_cookie(&state, &session.token, SESSION_LIFETIME.num_seconds()),
    );
    cookies.append(header::SET_COOKIE, login_cookie(&state, "", 0));
    Ok(response)
}

/// POST /logout: ends the session and deletes its cookie, then goes to the front page.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiForm(fields): ApiForm<LogoutForm>,
) -> Result<Response, HttpError> {
    if let Some(token) = session_token(&headers) {
        let sent = fields.csrf.as_deref().unwrap_or("");
        if !constant_time_eq(&sign_out_token(token), sent) {
            return Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "The sign-out form did not come from this site.",
            ));
        }
        web_sessions::end(&state, token).await?;
    }
    let mut response = see_other("/");
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_stays_on_this_instance() {
        assert_eq!(local_path(Some("/users/alice?x=1")), "/users/alice?x=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/a\nb")), "/");
        assert_eq!(local_path(None), "/");
    }
}
