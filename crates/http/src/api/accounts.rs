//! Accounts: verify_credentials, update_credentials, get, lookup, statuses, followers,
//! following, relationships, follow, unfollow; and the lists clients read at launch that
//! Trellis keeps empty (featured tags, followed tags, endorsements, an account's lists,
//! familiar followers).

use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use activitypub_federation::config::Data;

use super::auth::{Auth, MaybeAuth};
use super::entities::account::role_entity;
use super::entities::relationship::RelationshipEntity;
use super::entities::{AccountEntity, CredentialAccount, StatusEntity};
use super::pagination::{PageParams, Paged};
use super::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::filters::{self, FilterContext};
use trellis_domain::services::hydrate::AccountView;
use trellis_domain::services::profile::{self, AccountSettings, ProfileChange};
use trellis_domain::services::relationships::{self, PostFilter, Side};
use trellis_domain::services::work_profile::{self, WorkProfile};
use trellis_domain::services::{follows, search};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::account::ProfileField;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/accounts/verify_credentials",
            get(verify_credentials),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            patch(update_credentials),
        )
        .route("/api/v1/accounts/lookup", get(lookup))
        .route("/api/v1/accounts/relationships", get(relationships_of))
        .route(
            "/api/v1/accounts/familiar_followers",
            get(familiar_followers),
        )
        .route("/api/v1/accounts/{id}", get(show))
        .route("/api/v1/accounts/{id}/statuses", get(statuses))
        .route("/api/v1/accounts/{id}/followers", get(followers))
        .route("/api/v1/accounts/{id}/following", get(following))
        .route("/api/v1/accounts/{id}/follow", post(follow))
        .route("/api/v1/accounts/{id}/unfollow", post(unfollow))
        .route("/api/v1/accounts/{id}/lists", get(account_lists))
        .route(
            "/api/v1/accounts/{id}/featured_tags",
            get(account_featured_tags),
        )
        .route("/api/v1/featured_tags", get(featured_tags))
        .route("/api/v1/followed_tags", get(followed_tags))
        .route("/api/v1/endorsements", get(endorsements))
}

/// An account id from the path: anything but a decimal id is 404, as an unknown id is.
pub(crate) fn account_id(raw: &str) -> Result<i64, HttpError> {
    raw.parse()
        .map_err(|_| HttpError::not_found("Record not found"))
}

/// The reader of a public endpoint: anonymous without a token; with one, it must grant
/// `scope` (403 otherwise).
pub(crate) fn reader<'a>(
    auth: &'a MaybeAuth,
    scope: &str,
) -> Result<Option<&'a Account>, HttpError> {
    match &auth.0 {
        Some(auth) => {
            auth.check(scope)?;
            Ok(auth.0.account.as_ref())
        }
        None => Ok(None),
    }
}

/// A page of accounts with their cursors, rendered with a `Link` header.
pub(crate) fn account_page(
    state: &AppState,
    uri: &axum::http::Uri,
    rows: Vec<(i64, AccountView)>,
) -> Paged<AccountEntity> {
    let cursors: Vec<i64> = rows.iter().map(|(cursor, _)| *cursor).collect();
    let items = rows
        .iter()
        .map(|(_, view)| AccountEntity::new(state, view))
        .collect();
    Paged::new(state, uri, items, &cursors)
}

async fn credential(state: &AppState, id: i64) -> Result<Json<CredentialAccount>, HttpError> {
    let view = relationships::account_view(state, id).await?;
    let note = trellis_content::html_to_plain_text(&view.account.bio);
    let mut entity = CredentialAccount::new(state, &view, "public", &note);
    let person = trellis_domain::services::accounts::find(state, &view.account.username).await?;
    entity.role = role_entity(person.user.role);
    entity.source["follow_requests_count"] =
        json!(relationships::pending_requests(state, id).await?);
    Ok(Json(entity))
}

/// `GET /api/v1/accounts/verify_credentials`
async fn verify_credentials(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<CredentialAccount>, HttpError> {
    let account = auth
        .person("profile")
        .or_else(|_| auth.person("read:accounts"))?;
    credential(&state, account.id).await
}

/// Body of `PATCH /api/v1/accounts/update_credentials`. Avatar and header files are not
/// stored yet; they are accepted and ignored. `department`, `job_title` and `location` are
/// Trellis's (an empty value clears one).
#[derive(Debug, Default, Deserialize)]
struct UpdateCredentials {
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    locked: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    bot: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    discoverable: Option<bool>,
    #[serde(default)]
    fields_attributes: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_string")]
    department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    job_title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    location: Option<String>,
}

/// Profile fields from `fields_attributes`: an array, or an object keyed by index (the Rails
/// nested form `fields_attributes[0][name]=...`).
fn profile_fields(value: Value) -> Result<Vec<ProfileField>, HttpError> {
    let invalid = || {
        HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: fields_attributes must be a list of {name, value}",
        )
    };
    let items: Vec<Value> = match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        Value::Object(map) => {
            let mut entries: Vec<(i64, Value)> = Vec::with_capacity(map.len());
            for (key, item) in map {
                entries.push((key.parse().map_err(|_| invalid())?, item));
            }
            entries.sort_by_key(|(index, _)| *index);
            entries.into_iter().map(|(_, item)| item).collect()
        }
        _ => return Err(invalid()),
    };
    let text = |item: &Value, key: &str| -> Result<String, HttpError> {
        match item.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(invalid()),
        }
    };
    items
        .iter()
        .map(|item| {
            if !item.is_object() {
                return Err(invalid());
            }
            Ok(ProfileField {
                name: text(item, "name")?,
                value: text(item, "value")?,
            })
        })
        .collect()
}

/// `PATCH /api/v1/accounts/update_credentials`
async fn update_credentials(
    data: Data<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<UpdateCredentials>,
) -> Result<Json<CredentialAccount>, HttpError> {
    let mut account = auth.person("write:accounts")?.clone();
    let fields = body.fields_attributes.map(profile_fields).transpose()?;
    if body.display_name.is_some() || body.note.is_some() {
        let change = ProfileChange {
            display_name: body.display_name,
            bio: body.note,
        };
        account = profile::update(&data, &account, change).await?;
    }
    if let Some(locked) = body.locked.filter(|l| *l != account.locked) {
        account = follows::set_locked(&data, &account, locked).await?;
    }
    let work = WorkProfile {
        department: body.department,
        job_title: body.job_title,
        location: body.location,
        discoverable: None,
    };
    if !work.is_empty() {
        account = work_profile::update(&data, account.id, work).await?;
    }
    if body.bot.is_some() || body.discoverable.is_some() || fields.is_some() {
        let settings = AccountSettings {
            discoverable: body.discoverable,
            bot: body.bot,
            fields,
        };
        account = profile::update_settings(&data, &account, settings).await?;
    }
    credential(&data, account.id).await
}

/// `GET /api/v1/accounts/:id`
async fn show(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<AccountEntity>, HttpError> {
    reader(&auth, "read:accounts")?;
    let view = relationships::account_view(&state, account_id(&id)?).await?;
    Ok(Json(AccountEntity::new(&state, &view)))
}

/// Query of `GET /api/v1/accounts/lookup`.
#[derive(Debug, Deserialize)]
struct LookupQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    acct: Option<String>,
}

/// `GET /api/v1/accounts/lookup?acct=`
async fn lookup(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(query): ApiQuery<LookupQuery>,
) -> Result<Json<AccountEntity>, HttpError> {
    reader(&auth, "read:accounts")?;
    let acct = query
        .acct
        .filter(|a| !a.trim().trim_start_matches('@').is_empty())
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Validation failed: acct is missing",
            )
        })?;
    let view = search::lookup(&state, &acct).await?;
    Ok(Json(AccountEntity::new(&state, &view)))
}

/// Query of `GET /api/v1/accounts/:id/statuses`.
#[derive(Debug, Deserialize)]
struct StatusesQuery {
    #[serde(flatten)]
    page: PageParams,
    #[serde(default, deserialize_with = "de::bool")]
    only_media: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_replies: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_reblogs: bool,
    #[serde(default, deserialize_with = "de::bool")]
    pinned: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    tagged: Option<String>,
}

/// `GET /api/v1/accounts/:id/statuses`
async fn statuses(
    State(state): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<StatusesQuery>,
) -> Result<Paged<StatusEntity>, HttpError> {
    let viewer = reader(&auth, "read:statuses")?.map(|a| a.id);
    let account = relationships::account(&state, account_id(&id)?).await?;
    let filter = PostFilter {
        only_media: query.only_media,
        exclude_replies: query.exclude_replies,
        exclude_reblogs: query.exclude_reblogs,
        pinned: query.pinned,
        tagged: query.tagged.filter(|t| !t.trim().is_empty()),
    };
    let window = query.page.window(super::pagination::MAX_LIMIT);
    let views = relationships::account_posts(&state, account.id, viewer, filter, window).await?;
    let cursors: Vec<i64> = views.iter().map(|v| v.post.id).collect();
    let views = match viewer {
        Some(reader) => {
            let active = filters::loaded_for(&state, reader).await?;
            filters::apply_to_statuses(&active, reader, FilterContext::Account, views)
        }
        None => views,
    };
    let items = views.iter().map(|v| StatusEntity::new(&state, v)).collect();
    Ok(Paged::new(&state, &uri, items, &cursors))
}

async fn follow_list(
    state: &AppState,
    auth: &MaybeAuth,
    uri: &axum::http::Uri,
    id: &str,
    side: Side,
    page: &PageParams,
) -> Result<Paged<AccountEntity>, HttpError> {
    reader(auth, "read:accounts")?;
    let account = relationships::account(state, account_id(id)?).await?;
    let rows = relationships::follow_page(state, account.id, side, page.accounts_window()).await?;
    Ok(account_page(state, uri, rows))
}

/// `GET /api/v1/accounts/:id/followers`
async fn followers(
    State(state): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    follow_list(&state, &auth, &uri, &id, Side::Followers, &page).await
}

/// `GET /api/v1/accounts/:id/following`
async fn following(
    State(state): State<AppState>,
    auth: MaybeAuth,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    follow_list(&state, &auth, &uri, &id, Side::Following, &page).await
}

/// Query naming accounts: `id[]=1&id[]=2` (or `id=1`).
#[derive(Debug, Deserialize)]
struct IdsQuery {
    #[serde(default, deserialize_with = "de::strings")]
    id: Vec<String>,
}

impl IdsQuery {
    /// The numeric ids (others cannot name an account and are left out).
    fn ids(&self) -> Vec<i64> {
        self.id
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    }
}

/// `GET /api/v1/accounts/relationships?id[]=`
async fn relationships_of(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<IdsQuery>,
) -> Result<Json<Vec<RelationshipEntity>>, HttpError> {
    let reader = auth.person("read:follows")?;
    let found = relationships::of(&state, reader.id, query.ids()).await?;
    Ok(Json(found.iter().map(RelationshipEntity::from).collect()))
}

/// `GET /api/v1/accounts/familiar_followers?id[]=`: no familiar followers are computed yet.
async fn familiar_followers(
    auth: Auth,
    ApiQuery(query): ApiQuery<IdsQuery>,
) -> Result<Json<Value>, HttpError> {
    auth.person("read:follows")?;
    let items: Vec<Value> = query
        .ids()
        .into_iter()
        .map(|id| json!({ "id": id.to_string(), "accounts": [] }))
        .collect();
    Ok(Json(Value::Array(items)))
}

/// `POST /api/v1/accounts/:id/follow`
async fn follow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<RelationshipEntity>, HttpError> {
    let reader = auth.person("write:follows")?;
    let relationship = relationships::follow(&data, reader, account_id(&id)?).await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// `POST /api/v1/accounts/:id/unfollow`
async fn unfollow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<RelationshipEntity>, HttpError> {
    let reader = auth.person("write:follows")?;
    let relationship = relationships::unfollow(&data, reader, account_id(&id)?).await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// `GET /api/v1/accounts/:id/lists`: lists of the reader that contain the account (none
/// are reported yet).
async fn account_lists(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<Value>>, HttpError> {
    auth.person("read:lists")?;
    relationships::account(&state, account_id(&id)?).await?;
    Ok(Json(Vec::new()))
}

/// `GET /api/v1/accounts/:id/featured_tags`: featured tags are not kept.
async fn account_featured_tags(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Vec<Value>>, HttpError> {
    reader(&auth, "read:accounts")?;
    relationships::account(&state, account_id(&id)?).await?;
    Ok(Json(Vec::new()))
}

/// `GET /api/v1/featured_tags`: featured tags are not kept.
async fn featured_tags(auth: Auth) -> Result<Json<Vec<Value>>, HttpError> {
    auth.person("read:accounts")?;
    Ok(Json(Vec::new()))
}

/// `GET /api/v1/followed_tags`: hashtags cannot be followed yet.
async fn followed_tags(auth: Auth) -> Result<Json<Vec<Value>>, HttpError> {
    auth.person("read:follows")?;
    Ok(Json(Vec::new()))
}

/// `GET /api/v1/endorsements`: endorsements are not kept.
async fn endorsements(auth: Auth) -> Result<Json<Vec<Value>>, HttpError> {
    auth.person("read:accounts")?;
    Ok(Json(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_from_rails_form_and_json() {
        let form = super::super::params::parse_urlencoded(
            "fields_attributes[1][name]=B&fields_attributes[1][value]=2&fields_attributes[0][name]=A&fields_attributes[0][value]=1",
        );
        let fields = profile_fields(form["fields_attributes"].clone()).unwrap();
        assert_eq!(fields[0].name, "A");
        assert_eq!(fields[1].value, "2");
        let fields = profile_fields(json!([{ "name": "X", "value": "y" }])).unwrap();
        assert_eq!(fields[0].name, "X");
        assert!(profile_fields(json!("nope")).is_err());
        assert!(profile_fields(json!({ "a": { "name": "x" } })).is_err());
    }

    #[test]
    fn non_numeric_ids_are_404() {
        assert_eq!(account_id("abc").unwrap_err().status, StatusCode::NOT_FOUND);
        assert_eq!(account_id("12").unwrap(), 12);
    }
}
