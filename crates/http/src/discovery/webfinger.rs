//! `/.well-known/webfinger` (RFC 7033) for local actors, by `acct:` handle or actor URL.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::HttpError;
use trellis_domain::services::{accounts, instance_actor};
use trellis_domain::state::AppState;

/// Query of a webfinger request.
#[derive(Debug, Deserialize)]
pub(crate) struct WebfingerQuery {
    resource: Option<String>,
}

/// Which local actor a resource names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Person(String),
    InstanceActor,
}

/// GET /.well-known/webfinger?resource=...
pub(crate) async fn webfinger(
    State(state): State<AppState>,
    Query(query): Query<WebfingerQuery>,
) -> Result<Response, HttpError> {
    let resource = query
        .resource
        .filter(|r| !r.is_empty())
        .ok_or_else(|| HttpError::bad_request("the resource parameter is required"))?;
    let target = parse_resource(
        &resource,
        state.urls().domain(),
        state.urls().base().as_str(),
    )?;
    let (username, actor_uri, profile) = match target {
        Target::InstanceActor => {
            let actor = instance_actor::find(&state)
                .await?
                .ok_or_else(|| HttpError::not_found("no such actor"))?;
            (state.urls().domain().to_string(), actor.uri, actor.url)
        }
        Target::Person(name) => {
            let account = accounts::public_profile(&state, &name)
                .await
                .map_err(|_| HttpError::not_found(format!("no user named {name:?} here")))?;
            (account.username, account.uri, account.url)
        }
    };
    let mut links = vec![json!({
        "rel": "self",
        "type": "application/activity+json",
        "href": actor_uri,
    })];
    if let Some(page) = &profile {
        links.push(json!({
            "rel": "http://webfinger.net/rel/profile-page",
            "type": "text/html",
            "href": page,
        }));
    }
    let body = json!({
        "subject": format!("acct:{username}@{}", state.urls().domain()),
        "aliases": [actor_uri],
        "links": links,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/jrd+json; charset=utf-8")],
        body.to_string(),
    )
        .into_response())
}

/// Interprets `acct:user@domain` or a local actor URL.
fn parse_resource(resource: &str, domain: &str, base: &str) -> Result<Target, HttpError> {
    if let Some(handle) = resource.strip_prefix("acct:") {
        let handle = handle.strip_prefix('@').unwrap_or(handle);
        let (user, host) = handle.rsplit_once('@').ok_or_else(|| {
            HttpError::bad_request("an acct: resource must look like acct:user@domain")
        })?;
        if user.is_empty() || host.is_empty() {
            return Err(HttpError::bad_request(
                "an acct: resource must look like acct:user@domain",
            ));
        }
        if !host.eq_ignore_ascii_case(domain) {
            return Err(HttpError::not_found(format!("{host} is not this instance")));
        }
        let user = user.to_ascii_lowercase();
        return Ok(if user == instance_actor::USERNAME || user == domain {
            Target::InstanceActor
        } else {
            Target::Person(user)
        });
    }
    if resource.starts_with("http://") || resource.starts_with("https://") {
        let url = url::Url::parse(resource)
            .map_err(|_| HttpError::bad_request("the resource is not a valid URL"))?;
        let base = url::Url::parse(base).expect("base URL");
        if url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return Err(HttpError::not_found("the URL is not on this instance"));
        }
        let path = url.path().trim_end_matches('/');
        if path == "/actor" {
            return Ok(Target::InstanceActor);
        }
        if let Some(name) = path
            .strip_prefix("/users/")
            .or_else(|| path.strip_prefix("/@"))
            && !name.is_empty()
            && !name.contains('/')
        {
            return Ok(Target::Person(name.to_string()));
        }
        return Err(HttpError::not_found("the URL does not name an actor"));
    }
    Err(HttpError::bad_request(
        "the resource must be acct:user@domain or an actor URL",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "alpha.example";
    const BASE: &str = "https://alpha.example/";

    #[test]
    fn resources() {
        let parse = |r: &str| parse_resource(r, DOMAIN, BASE);
        assert_eq!(
            parse("acct:alice@alpha.example").unwrap(),
            Target::Person("alice".into())
        );
        assert_eq!(
            parse("acct:@Alice@ALPHA.example").unwrap(),
            Target::Person("alice".into())
        );
        assert_eq!(
            parse("https://alpha.example/users/bob").unwrap(),
            Target::Person("bob".into())
        );
        assert_eq!(
            parse("https://alpha.example/actor").unwrap(),
            Target::InstanceActor
        );
        assert_eq!(
            parse("acct:instance@alpha.example").unwrap(),
            Target::InstanceActor
        );
        assert_eq!(parse("acct:alice").unwrap_err().status, 400);
        assert_eq!(parse("mailto:alice@alpha.example").unwrap_err().status, 400);
        assert_eq!(parse("acct:alice@beta.example").unwrap_err().status, 404);
        assert_eq!(
            parse("https://beta.example/users/bob").unwrap_err().status,
            404
        );
    }
}
