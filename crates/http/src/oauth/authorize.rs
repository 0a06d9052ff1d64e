//! `GET /oauth/authorize`: the sign-in and consent page; `POST /oauth/authorize`: checks the
//! credentials and issues an authorization code.
//!
//! The page carries the request's parameters in hidden fields. A person signed in to the web
//! (a password or single sign-on) only consents: the form carries the session's form token,
//! which a page of another site cannot read. Anyone else signs in with a password in the same
//! form, or follows "Sign in with NAME" to the identity provider, which brings them back here
//! signed in. Every parameter is checked again on POST, so a tampered form can ask for nothing
//! the application could not ask for itself, and a cross-site form cannot succeed without the
//! password or the token. The page refuses to be framed.

use crate::client_address::ClientAddress;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use url::Url;

use crate::api::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use crate::web::sign_in_options::{SsoButton, passwords_off, sso_button};
use crate::web::viewer::{SignedIn, WebViewer};
use trellis_domain::services::ServiceError;
use trellis_domain::services::oauth::{
    self, AuthorizationRequest, OOB_REDIRECT_URI, constant_time_eq,
};
use trellis_domain::state::AppState;

/// The parameters of the page and of its form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuthorizeParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    response_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    redirect_uri: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    scope: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_challenge: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_challenge_method: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    decision: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
}

/// One requested scope as the page lists it.
struct ScopeLine {
    name: String,
    description: &'static str,
}

#[derive(Template)]
#[template(path = "oauth_authorize.html")]
struct AuthorizePage<'a> {
    instance_name: &'a str,
    domain: &'a str,
    app_name: &'a str,
    app_website: Option<&'a str>,
    scopes: Vec<ScopeLine>,
    client_id: &'a str,
    redirect_uri: &'a str,
    scope: String,
    state: Option<&'a str>,
    code_challenge: Option<&'a str>,
    code_challenge_method: Option<&'a str>,
    username: &'a str,
    error: Option<&'a str>,
    signed_in_as: Option<&'a SignedIn>,
    password_login: bool,
    sso: Option<SsoButton>,
}

#[derive(Template)]
#[template(path = "oauth_code.html")]
struct CodePage<'a> {
    instance_name: &'a str,
    app_name: &'a str,
    code: &'a str,
}

#[derive(Template)]
#[template(path = "oauth_error.html")]
struct ErrorPage<'a> {
    instance_name: &'a str,
    message: &'a str,
}

/// What a scope lets the application do, in words.
fn describe(scope: &str) -> &'static str {
    match scope {
        "read" => "read all your account's data",
        "write" => "change all your account's data",
        "follow" => "follow, block and mute accounts",
        "push" => "receive push notifications",
        "profile" => "read your profile only",
        "admin:read" => "read the instance's administration data (if you are an administrator)",
        "admin:write" => "administer the instance (if you are an administrator)",
        s if s.starts_with("admin:read:") => "read this part of the instance's administration",
        s if s.starts_with("admin:write:") => "administer this part of the instance",
        s if s.starts_with("read:") => "read this part of your account",
        s if s.starts_with("write:") => "change this part of your account",
        _ => "",
    }
}

/// Adds the headers every page of this flow carries: never cached, never framed.
pub(crate) fn page(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn error_page(state: &AppState, status: StatusCode, message: &str) -> Result<Response, HttpError> {
    let html = ErrorPage {
        instance_name: &state.config().instance.name,
        message,
    }
    .render()?;
    Ok(page(status, html))
}

/// Checks the request; problems become a 400 page (never a redirect to an unchecked URI).
async fn check(
    state: &AppState,
    params: &AuthorizeParams,
) -> Result<Result<AuthorizationRequest, Response>, HttpError> {
    if params.response_type.as_deref() != Some("code") {
        return error_page(
            state,
            StatusCode::BAD_REQUEST,
            "The authorization server does not support this response type (only response_type=code).",
        )
        .map(Err);
    }
    let scope = (!params.scope.is_empty()).then(|| params.scope.join(" "));
    match oauth::check_authorization(
        state,
        params.client_id.as_deref(),
        params.redirect_uri.as_deref(),
        scope.as_deref(),
        params.code_challenge.as_deref(),
        params.code_challenge_method.as_deref(),
    )
    .await
    {
        Ok(request) => Ok(Ok(request)),
        Err(ServiceError::Invalid { field, message }) => {
            let message = match field {
                "client_id" => format!("Unknown application: client_id {message}."),
                "redirect_uri" => format!("The redirect_uri {message}."),
                "scope" => message,
                other => format!("{other} {message}"),
            };
            error_page(state, StatusCode::BAD_REQUEST, &message).map(Err)
        }
        Err(other) => Err(other.into()),
    }
}

/// This page's path with the checked request, for coming back after single sign-on.
fn return_path(request: &AuthorizationRequest, state: Option<&str>) -> String {
    let scope = request.scopes.to_string();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &request.app.client_id)
        .append_pair("redirect_uri", &request.redirect_uri)
        .append_pair("scope", &scope);
    for (key, value) in [
        ("state", state),
        ("code_challenge", request.code_challenge.as_deref()),
        (
            "code_challenge_method",
            request.code_challenge_method.as_deref(),
        ),
    ] {
        if let Some(value) = value {
            query.append_pair(key, value);
        }
    }
    format!("/oauth/authorize?{}", query.finish())
}

fn form_page(
    state: &AppState,
    request: &AuthorizationRequest,
    params: &AuthorizeParams,
    viewer: Option<&SignedIn>,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, HttpError> {
    let scope = request.scopes.to_string();
    let sso = viewer
        .is_none()
        .then(|| sso_button(state, &return_path(request, params.state.as_deref())))
        .flatten();
    let html = AuthorizePage {
        instance_name: &state.config().instance.name,
        domain: state.urls().domain(),
        app_name: &request.app.name,
        app_website: request.app.website.as_deref(),
        scopes: scope
            .split_whitespace()
            .map(|name| ScopeLine {
                name: name.to_string(),
                description: describe(name),
            })
            .collect(),
        client_id: &request.app.client_id,
        redirect_uri: &request.redirect_uri,
        scope: scope.clone(),
        state: params.state.as_deref(),
        code_challenge: request.code_challenge.as_deref(),
        code_challenge_method: request.code_challenge_method.as_deref(),
        username: params.username.as_deref().unwrap_or(""),
        error,
        signed_in_as: viewer,
        password_login: state.config().sign_in.password_login,
        sso,
    }
    .render()?;
    Ok(page(status, html))
}

/// `redirect_uri` with extra query parameters, as a 302.
fn redirect(
    state: &AppState,
    redirect_uri: &str,
    pairs: &[(&str, Option<&str>)],
) -> Result<Response, HttpError> {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return error_page(
            state,
            StatusCode::BAD_REQUEST,
            "The redirect_uri is invalid.",
        );
    };
    {
        let mut query = url.query_pairs_mut();
        for (key, value) in pairs {
            if let Some(value) = value {
                query.append_pair(key, value);
            }
        }
    }
    let Ok(location) = HeaderValue::from_str(url.as_str()) else {
        return error_page(
            state,
            StatusCode::BAD_REQUEST,
            "The redirect_uri is invalid.",
        );
    };
    let mut response = StatusCode::FOUND.into_response();
    response.headers_mut().insert(header::LOCATION, location);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// GET /oauth/authorize
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: WebViewer,
    ApiQuery(params): ApiQuery<AuthorizeParams>,
) -> Result<Response, HttpError> {
    match check(&state, &params).await? {
        Ok(request) => form_page(
            &state,
            &request,
            &params,
            viewer.0.as_ref(),
            StatusCode::OK,
            None,
        ),
        Err(response) => Ok(response),
    }
}

/// POST /oauth/authorize
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    viewer: WebViewer,
    ApiForm(params): ApiForm<AuthorizeParams>,
) -> Result<Response, HttpError> {
    let request = match check(&state, &params).await? {
        Ok(request) => request,
        Err(response) => return Ok(response),
    };
    if params.decision.as_deref() == Some("deny") {
        if request.redirect_uri == OOB_REDIRECT_URI {
            return error_page(
                &state,
                StatusCode::FORBIDDEN,
                "You denied the authorization.",
            );
        }
        return redirect(
            &state,
            &request.redirect_uri,
            &[
                ("error", Some("access_denied")),
                (
                    "error_description",
                    Some("The resource owner denied the request."),
                ),
                ("state", params.state.as_deref()),
            ],
        );
    }
    let account = match (viewer.0, params.csrf.as_deref()) {
        (Some(signed_in), Some(sent)) => {
            if !constant_time_eq(&signed_in.sign_out_token, sent) {
                return error_page(
                    &state,
                    StatusCode::FORBIDDEN,
                    "The authorization form did not come from this site.",
                );
            }
            signed_in.account
        }
        _ => match password_sign_in(&state, &request, &params, client).await? {
            Ok(account) => account,
            Err(response) => return Ok(response),
        },
    };
    let code = oauth::issue_code(&state, &request, &account).await?;
    if request.redirect_uri == OOB_REDIRECT_URI {
        let html = CodePage {
            instance_name: &state.config().instance.name,
            app_name: &request.app.name,
            code: &code,
        }
        .render()?;
        return Ok(page(StatusCode::OK, html));
    }
    redirect(
        &state,
        &request.redirect_uri,
        &[("code", Some(&code)), ("state", params.state.as_deref())],
    )
}

/// The person whose username and password the form carries, or the form again with why not.
async fn password_sign_in(
    state: &AppState,
    request: &AuthorizationRequest,
    params: &AuthorizeParams,
    client: Option<std::net::IpAddr>,
) -> Result<Result<trellis_storage::models::Account, Response>, HttpError> {
    if !state.config().sign_in.password_login {
        return Err(passwords_off());
    }
    let login = params.username.as_deref().unwrap_or("");
    let password = params.password.as_deref().unwrap_or("");
    match oauth::verify_login(state, login, password, client).await {
        Ok(Ok(account)) => Ok(Ok(account)),
        Ok(Err(throttled)) => {
            let seconds = trellis_domain::rate_limit::retry_after_secs(throttled.retry_after);
            let message = format!("Too many failed sign-ins. Try again in {seconds} seconds.");
            let mut response = form_page(
                state,
                request,
                params,
                None,
                StatusCode::TOO_MANY_REQUESTS,
                Some(&message),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            Ok(Err(response))
        }
        Err(ServiceError::Invalid { message, .. }) => Ok(Err(form_page(
            state,
            request,
            params,
            None,
            StatusCode::UNAUTHORIZED,
            Some(&message),
        )?)),
        Err(other) => Err(other.into()),
    }
}
