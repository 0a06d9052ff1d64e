//! `GET /directory`: the people directory page, filterable by department and instance (a GET
//! form), listing each person's department, job title, location and instance.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::api::params::{ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::directory::{self, DirectoryOrder, DirectoryQuery};
use trellis_domain::state::AppState;

/// People per page.
const PAGE_SIZE: i64 = 50;

/// One row of the table.
struct PersonRow {
    name: String,
    handle: String,
    url: String,
    department: String,
    job_title: String,
    location: String,
    instance: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    instance_name: String,
    departments: Vec<String>,
    instances: Vec<String>,
    department: String,
    instance: String,
    people: Vec<PersonRow>,
    more_url: Option<String>,
}

/// The filters of the page.
#[derive(Debug, Deserialize)]
pub(crate) struct DirectoryFilters {
    #[serde(default, deserialize_with = "de::opt_string")]
    department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    instance: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    page: Option<i64>,
}

/// `GET /directory?department=&instance=&page=`
pub(crate) async fn page(
    State(state): State<AppState>,
    ApiQuery(filters): ApiQuery<DirectoryFilters>,
) -> Result<Response, HttpError> {
    let department = filters.department.unwrap_or_default().trim().to_string();
    let instance = filters.instance.unwrap_or_default().trim().to_lowercase();
    let page = filters.page.unwrap_or(1).clamp(1, 100_000);
    let mut people = directory::list(
        &state,
        DirectoryQuery {
            local_only: false,
            department: Some(department.clone()).filter(|d| !d.is_empty()),
            instance: Some(instance.clone()).filter(|i| !i.is_empty()),
            order: DirectoryOrder::New,
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE + 1,
        },
    )
    .await?;
    let more = people.len() as i64 > PAGE_SIZE;
    people.truncate(PAGE_SIZE as usize);
    let local_domain = state.urls().domain().to_string();
    let mut instances = vec![local_domain.clone()];
    instances.extend(directory::peers(&state).await?);
    let rows = people
        .into_iter()
        .map(|view| {
            let account = view.account;
            let domain = account
                .domain
                .clone()
                .unwrap_or_else(|| local_domain.clone());
            PersonRow {
                name: Some(account.display_name.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| account.username.clone()),
                handle: format!("{}@{domain}", account.username),
                url: account.url.clone().unwrap_or_else(|| account.uri.clone()),
                department: account.department.unwrap_or_default(),
                job_title: account.job_title.unwrap_or_default(),
                location: account.location.unwrap_or_default(),
                instance: domain,
            }
        })
        .collect();
    let more_url = more.then(|| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("department", &department)
            .append_pair("instance", &instance)
            .append_pair("page", &(page + 1).to_string())
            .finish();
        format!("/directory?{query}")
    });
    let page = DirectoryPage {
        instance_name: state.config().instance.name.clone(),
        departments: directory::departments(&state).await?,
        instances,
        department,
        instance,
        people: rows,
        more_url,
    };
    Ok(Html(page.render()?).into_response())
}
