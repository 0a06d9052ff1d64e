//! The discovery endpoints (RFC 7644 §4): ServiceProviderConfig, Schemas and ResourceTypes.
//! Trellis serves one resource type, User, with the enterprise extension's `department`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::error::ScimError;
use super::list::{LIST_RESPONSE, MAX_RESULTS};
use super::media::scim_json;
use super::schema::{CORE_USER, ENTERPRISE_USER};
use trellis_domain::state::AppState;

/// The SCIM base URL of this instance.
pub(crate) fn base_url(state: &AppState) -> String {
    state.urls().at("/scim/v2")
}

fn attribute(name: &str, kind: &str, description: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": false,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    })
}

fn user_schema() -> Value {
    let mut user_name = attribute("userName", "string", "Unique identifier for the User.");
    user_name["required"] = json!(true);
    user_name["uniqueness"] = json!("server");
    let mut name = attribute("name", "complex", "The components of the user's name.");
    name["subAttributes"] = json!([
        attribute("formatted", "string", "The full name."),
        attribute("familyName", "string", "The family name."),
        attribute("givenName", "string", "The given name."),
    ]);
    let mut email_type = attribute("type", "string", "work, home or other.");
    email_type["canonicalValues"] = json!(["work", "home", "other"]);
    let mut emails = attribute(
        "emails",
        "complex",
        "Email addresses; the primary one is the person's.",
    );
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([
        attribute("value", "string", "The email address."),
        email_type,
        attribute("primary", "boolean", "The primary address."),
    ]);
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": CORE_USER,
        "name": "User",
        "description": "A person of this Trellis instance.",
        "attributes": [
            user_name,
            name,
            attribute("displayName", "string", "The name shown on the person's profile."),
            emails,
            attribute("active", "boolean", "Whether the person may sign in."),
        ],
    })
}

fn enterprise_schema() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ENTERPRISE_USER,
        "name": "EnterpriseUser",
        "description": "Enterprise User: the department, shown on the work profile.",
        "attributes": [attribute("department", "string", "The person's department.")],
    })
}

fn schemas(base: &str) -> Vec<Value> {
    [user_schema(), enterprise_schema()]
        .into_iter()
        .map(|mut schema| {
            let id = schema["id"].as_str().unwrap_or_default().to_string();
            schema["meta"] = json!({
                "resourceType": "Schema",
                "location": format!("{base}/Schemas/{id}"),
            });
            schema
        })
        .collect()
}

fn resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "People of this instance",
        "schema": CORE_USER,
        "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": false}],
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")},
    })
}

fn listed(resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": resources.len(),
        "startIndex": 1,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// GET /scim/v2/ServiceProviderConfig
pub(crate) async fn service_provider_config(State(state): State<AppState>) -> Response {
    let base = base_url(&state);
    scim_json(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_RESULTS},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": true},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "The token set in TRELLIS_SCIM_TOKEN, as Authorization: Bearer.",
                "primary": true,
            }],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": format!("{base}/ServiceProviderConfig"),
            },
        }),
    )
}

/// GET /scim/v2/Schemas
pub(crate) async fn list_schemas(State(state): State<AppState>) -> Response {
    scim_json(StatusCode::OK, &listed(schemas(&base_url(&state))))
}

/// GET /scim/v2/Schemas/{id}
pub(crate) async fn schema(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    schemas(&base_url(&state))
        .into_iter()
        .find(|s| {
            s["id"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(&id))
        })
        .map(|s| scim_json(StatusCode::OK, &s))
        .ok_or_else(|| ScimError::not_found(format!("no schema {id:?}")))
}

/// GET /scim/v2/ResourceTypes
pub(crate) async fn list_resource_types(State(state): State<AppState>) -> Response {
    scim_json(
        StatusCode::OK,
        &listed(vec![resource_type(&base_url(&state))]),
    )
}

/// GET /scim/v2/ResourceTypes/{id}
pub(crate) async fn resource_type_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    if !id.eq_ignore_ascii_case("User") {
        return Err(ScimError::not_found(format!("no resource type {id:?}")));
    }
    Ok(scim_json(StatusCode::OK, &resource_type(&base_url(&state))))
}
