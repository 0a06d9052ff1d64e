//! Keyword filters: Mastodon's v2 filters (filters, their keywords and statuses) and the v1
//! API, which shows each keyword as a filter of its own.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::auth::Auth;
use super::entities::filter::{FilterEntity, FilterStatusEntity, KeywordEntity, V1FilterEntity};
use super::params::{ApiForm, de};
use super::statuses::parse_id;
use crate::error::HttpError;
use trellis_domain::services::filters::{self, FilterChange, KeywordChange};
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/filters", get(index).post(create))
        .route("/api/v2/filters/{id}", get(show).put(update).delete(delete))
        .route(
            "/api/v2/filters/{id}/keywords",
            get(keywords).post(add_keyword),
        )
        .route(
            "/api/v2/filters/keywords/{id}",
            get(keyword).put(update_keyword).delete(delete_keyword),
        )
        .route(
            "/api/v2/filters/{id}/statuses",
            get(statuses).post(add_status),
        )
        .route(
            "/api/v2/filters/statuses/{id}",
            get(status).delete(delete_status),
        )
        .route("/api/v1/filters", get(v1_index).post(v1_create))
        .route(
            "/api/v1/filters/{id}",
            get(v1_show).put(v1_update).delete(v1_delete),
        )
}

type One<T> = Result<Json<T>, HttpError>;

/// A keyword of `keywords_attributes`.
#[derive(Debug, Default, Deserialize)]
struct KeywordBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    keyword: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
    #[serde(default, rename = "_destroy", deserialize_with = "de::opt_bool")]
    destroy: Option<bool>,
}

impl KeywordBody {
    fn change(self) -> Result<KeywordChange, HttpError> {
        Ok(KeywordChange {
            id: self.id.as_deref().map(parse_id).transpose()?,
            keyword: self.keyword,
            whole_word: self.whole_word,
            destroy: self.destroy.unwrap_or(false),
        })
    }
}

/// `keywords_attributes` as an array, or as an object keyed by index (`[0][keyword]=...`).
fn keyword_bodies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<KeywordBody>, D::Error> {
    let items: Vec<Value> = match Value::deserialize(d)? {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by_key(|(k, _)| k.parse::<i64>().unwrap_or(i64::MAX));
            entries.into_iter().map(|(_, v)| v).collect()
        }
        other => {
            return Err(serde::de::Error::custom(format!(
                "{other} is not a list of keywords"
            )));
        }
    };
    items
        .into_iter()
        .map(|item| serde_json::from_value(item).map_err(serde::de::Error::custom))
        .collect()
}

/// A present `expires_in`: a number of seconds, or empty for no expiry.
fn present_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    de::opt_i64(d).map(Some)
}

/// Body of `POST /api/v2/filters` and `PUT /api/v2/filters/:id`.
#[derive(Debug, Deserialize)]
struct FilterBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    context: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    filter_action: Option<String>,
    #[serde(default, deserialize_with = "present_seconds")]
    expires_in: Option<Option<i64>>,
    #[serde(default, deserialize_with = "keyword_bodies")]
    keywords_attributes: Vec<KeywordBody>,
}

impl FilterBody {
    fn change(self) -> Result<FilterChange, HttpError> {
        Ok(FilterChange {
            title: self.title,
            contexts: (!self.context.is_empty()).then_some(self.context),
            action: self.filter_action,
            expires_in: self.expires_in,
            keywords: self
                .keywords_attributes
                .into_iter()
                .map(KeywordBody::change)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// `GET /api/v2/filters`.
async fn index(State(state): State<AppState>, auth: Auth) -> One<Vec<FilterEntity>> {
    let me = auth.person("read:filters")?;
    let list = filters::all(&state, me.id).await?;
    Ok(Json(list.iter().map(FilterEntity::new).collect()))
}

/// `GET /api/v2/filters/:id`.
async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<FilterEntity> {
    let me = auth.person("read:filters")?;
    let filter = filters::get(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(FilterEntity::new(&filter)))
}

/// `POST /api/v2/filters`.
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<FilterBody>,
) -> One<FilterEntity> {
    let me = auth.person("write:filters")?;
    let filter = filters::create(&state, me.id, body.change()?).await?;
    Ok(Json(FilterEntity::new(&filter)))
}

/// `PUT /api/v2/filters/:id`.
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<FilterBody>,
) -> One<FilterEntity> {
    let me = auth.person("write:filters")?;
    let filter = filters::update(&state, me.id, parse_id(&id)?, body.change()?).await?;
    Ok(Json(FilterEntity::new(&filter)))
}

/// `DELETE /api/v2/filters/:id`.
async fn delete(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> One<Value> {
    let me = auth.person("write:filters")?;
    filters::delete(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

/// `GET /api/v2/filters/:id/keywords`.
async fn keywords(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<Vec<KeywordEntity>> {
    let me = auth.person("read:filters")?;
    let filter = filters::get(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(
        filter.keywords.iter().map(KeywordEntity::new).collect(),
    ))
}

/// Body of the keyword routes.
#[derive(Debug, Deserialize)]
struct OneKeywordBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    keyword: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
}

/// `POST /api/v2/filters/:id/keywords`.
async fn add_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<OneKeywordBody>,
) -> One<KeywordEntity> {
    let me = auth.person("write:filters")?;
    let word = body.keyword.unwrap_or_default();
    let whole_word = body.whole_word.unwrap_or(false);
    let row = filters::add_keyword(&state, me.id, parse_id(&id)?, &word, whole_word).await?;
    Ok(Json(KeywordEntity::new(&row)))
}

/// `GET /api/v2/filters/keywords/:id`.
async fn keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<KeywordEntity> {
    let me = auth.person("read:filters")?;
    let row = filters::keyword(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(KeywordEntity::new(&row)))
}

/// `PUT /api/v2/filters/keywords/:id`.
async fn update_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<OneKeywordBody>,
) -> One<KeywordEntity> {
    let me = auth.person("write:filters")?;
    let row = filters::update_keyword(&state, me.id, parse_id(&id)?, body.keyword, body.whole_word)
        .await?;
    Ok(Json(KeywordEntity::new(&row)))
}

/// `DELETE /api/v2/filters/keywords/:id`.
async fn delete_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<Value> {
    let me = auth.person("write:filters")?;
    filters::delete_keyword(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

/// `GET /api/v2/filters/:id/statuses`.
async fn statuses(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<Vec<FilterStatusEntity>> {
    let me = auth.person("read:filters")?;
    let filter = filters::get(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(
        filter
            .statuses
            .iter()
            .map(FilterStatusEntity::new)
            .collect(),
    ))
}

/// Body of `POST /api/v2/filters/:id/statuses`.
#[derive(Debug, Deserialize)]
struct StatusBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    status_id: Option<String>,
}

/// `POST /api/v2/filters/:id/statuses`.
async fn add_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<StatusBody>,
) -> One<FilterStatusEntity> {
    let me = auth.person("write:filters")?;
    let status_id = parse_id(body.status_id.as_deref().unwrap_or(""))?;
    let row = filters::add_status(&state, me.id, parse_id(&id)?, status_id).await?;
    Ok(Json(FilterStatusEntity::new(&row)))
}

/// `GET /api/v2/filters/statuses/:id`.
async fn status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<FilterStatusEntity> {
    let me = auth.person("read:filters")?;
    let row = filters::status(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(FilterStatusEntity::new(&row)))
}

/// `DELETE /api/v2/filters/statuses/:id`.
async fn delete_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<Value> {
    let me = auth.person("write:filters")?;
    filters::delete_status(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

/// Body of `POST /api/v1/filters` and `PUT /api/v1/filters/:id`.
#[derive(Debug, Deserialize)]
struct V1Body {
    #[serde(default, deserialize_with = "de::opt_string")]
    phrase: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    context: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    irreversible: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
    #[serde(default, deserialize_with = "present_seconds")]
    expires_in: Option<Option<i64>>,
}

impl V1Body {
    fn filter_change(&self) -> FilterChange {
        FilterChange {
            title: self.phrase.clone(),
            contexts: (!self.context.is_empty()).then(|| self.context.clone()),
            action: self
                .irreversible
                .map(|hide| if hide { "hide" } else { "warn" }.to_string()),
            expires_in: self.expires_in,
            keywords: Vec::new(),
        }
    }
}

/// `GET /api/v1/filters`: every keyword of every filter.
async fn v1_index(State(state): State<AppState>, auth: Auth) -> One<Vec<V1FilterEntity>> {
    let me = auth.person("read:filters")?;
    let list = filters::all(&state, me.id).await?;
    Ok(Json(
        list.iter()
            .flat_map(|rules| rules.keywords.iter().map(|k| V1FilterEntity::new(rules, k)))
            .collect(),
    ))
}

/// The v1 entity of keyword `id` of `owner`.
async fn v1_entity(state: &AppState, owner: i64, id: i64) -> One<V1FilterEntity> {
    let keyword = filters::keyword(state, owner, id).await?;
    let rules = filters::get(state, owner, keyword.filter_id).await?;
    Ok(Json(V1FilterEntity::new(&rules, &keyword)))
}

/// `GET /api/v1/filters/:id` (a keyword's id).
async fn v1_show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<V1FilterEntity> {
    let me = auth.person("read:filters")?;
    v1_entity(&state, me.id, parse_id(&id)?).await
}

/// `POST /api/v1/filters`: a filter titled by its one keyword.
async fn v1_create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<V1Body>,
) -> One<V1FilterEntity> {
    let me = auth.person("write:filters")?;
    let mut change = body.filter_change();
    change.keywords.push(KeywordChange {
        keyword: body.phrase.clone(),
        whole_word: Some(body.whole_word.unwrap_or(true)),
        ..KeywordChange::default()
    });
    let rules = filters::create(&state, me.id, change).await?;
    let keyword = rules
        .keywords
        .first()
        .ok_or_else(|| HttpError::internal("a v1 filter was stored without its keyword"))?;
    Ok(Json(V1FilterEntity::new(&rules, keyword)))
}

/// `PUT /api/v1/filters/:id`: changes the keyword and its filter.
async fn v1_update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<V1Body>,
) -> One<V1FilterEntity> {
    let me = auth.person("write:filters")?;
    let id = parse_id(&id)?;
    let keyword = filters::keyword(&state, me.id, id).await?;
    let mut change = body.filter_change();
    change.keywords.push(KeywordChange {
        id: Some(id),
        keyword: body.phrase.clone(),
        whole_word: body.whole_word,
        destroy: false,
    });
    filters::update(&state, me.id, keyword.filter_id, change).await?;
    v1_entity(&state, me.id, id).await
}

/// `DELETE /api/v1/filters/:id`: removes the keyword, and its filter when nothing is left.
async fn v1_delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> One<Value> {
    let me = auth.person("write:filters")?;
    let keyword = filters::keyword(&state, me.id, parse_id(&id)?).await?;
    filters::delete_keyword(&state, me.id, keyword.id).await?;
    let rules = filters::get(&state, me.id, keyword.filter_id).await?;
    if rules.keywords.is_empty() && rules.statuses.is_empty() {
        filters::delete(&state, me.id, keyword.filter_id).await?;
    }
    Ok(Json(json!({})))
}
