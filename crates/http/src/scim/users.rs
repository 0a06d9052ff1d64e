//! `/scim/v2/Users`: list, search, create, get, replace, patch and delete provisioned people.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::ScimCaller;
use super::discovery::base_url;
use super::error::ScimError;
use super::json::ScimBody;
use super::list::{ListRequest, respond};
use super::media::scim_json;
use super::patch;
use super::resource::{etag, location, person, project, representation};
use trellis_domain::services::scim::{self, ScimRecord};
use trellis_domain::state::AppState;

fn object(body: Value) -> serde_json::Map<String, Value> {
    match body {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// A provisioned person as the answer, with its ETag (and Location when created).
fn answer(
    state: &AppState,
    status: StatusCode,
    record: &ScimRecord,
    query: Option<&str>,
) -> Result<Response, ScimError> {
    let base = base_url(state);
    let request = ListRequest::from_query(query)?;
    let doc = project(
        representation(record, &base),
        request.attributes.as_deref(),
        request.excluded.as_deref(),
    );
    let mut response = scim_json(status, &Value::Object(doc));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag(record)) {
        headers.insert(header::ETAG, value);
    }
    if status == StatusCode::CREATED
        && let Ok(value) = HeaderValue::from_str(&location(&base, &record.row.id))
    {
        headers.insert(header::LOCATION, value);
    }
    Ok(response)
}

/// GET /scim/v2/Users
pub(crate) async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ScimError> {
    let request = ListRequest::from_query(query.as_deref())?;
    let page = respond(&state, &base_url(&state), request).await?;
    Ok(scim_json(StatusCode::OK, &page))
}

/// POST /scim/v2/Users/.search
pub(crate) async fn search(
    State(state): State<AppState>,
    ScimBody(body): ScimBody,
) -> Result<Response, ScimError> {
    let request = ListRequest::from_search(&object(body))?;
    let page = respond(&state, &base_url(&state), request).await?;
    Ok(scim_json(StatusCode::OK, &page))
}

/// POST /scim/v2/.search: searching every resource type at once is not supported.
pub(crate) async fn search_everything() -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "search /Users/.search instead",
    )
}

/// POST /scim/v2/Users
pub(crate) async fn create(
    State(state): State<AppState>,
    ScimCaller(acting): ScimCaller,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> Result<Response, ScimError> {
    let record = scim::create(&state, &acting, person(object(body))?).await?;
    answer(&state, StatusCode::CREATED, &record, query.as_deref())
}

/// GET /scim/v2/Users/{id}
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ScimError> {
    let record = scim::get(&state, &id).await?;
    answer(&state, StatusCode::OK, &record, query.as_deref())
}

/// PUT /scim/v2/Users/{id}
pub(crate) async fn replace(
    State(state): State<AppState>,
    ScimCaller(acting): ScimCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> Result<Response, ScimError> {
    let record = scim::replace(&state, &acting, &id, person(object(body))?).await?;
    answer(&state, StatusCode::OK, &record, query.as_deref())
}

/// PATCH /scim/v2/Users/{id}
pub(crate) async fn modify(
    State(state): State<AppState>,
    ScimCaller(acting): ScimCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    ScimBody(body): ScimBody,
) -> Result<Response, ScimError> {
    let current = scim::get(&state, &id).await?;
    let mut doc = representation(&current, "");
    patch::apply(&mut doc, &body)?;
    let record = scim::replace(&state, &acting, &id, person(doc)?).await?;
    answer(&state, StatusCode::OK, &record, query.as_deref())
}

/// DELETE /scim/v2/Users/{id}
pub(crate) async fn delete(
    State(state): State<AppState>,
    ScimCaller(acting): ScimCaller,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    scim::delete(&state, &acting, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
