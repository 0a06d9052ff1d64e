//! Search: accounts (local, the peers' people known from the directory exchange, and remote
//! ones through WebFinger when asked to resolve) by the start of their username, display name
//! or (for discoverable people) department; statuses by URL; hashtags; and the lookup of a
//! known account by handle.
//!
//! A remote resolution that fails gives no result rather than an error: a search for a
//! handle that does not exist is an empty answer.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::state::AppState;
use crate::state::FedData;
use trellis_storage::models::{Account, Post};
use trellis_storage::schema::{accounts, post_tags, posts, users};
use trellis_storage::{DbConnection, DbError};

use super::hydrate::{self, AccountView, StatusView};
use super::{ServiceError, resolve, visibility};

diesel::define_sql_function! {
    /// SQL `lower()`, the same on SQLite and PostgreSQL.
    fn lower(x: Text) -> Text;
}

/// What to search for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Accounts.
    Accounts,
    /// Statuses.
    Statuses,
    /// Hashtags.
    Hashtags,
}

impl Kind {
    /// The kind with this API name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "accounts" => Some(Self::Accounts),
            "statuses" => Some(Self::Statuses),
            "hashtags" => Some(Self::Hashtags),
            _ => None,
        }
    }
}

/// A search request.
#[derive(Clone, Debug)]
pub struct Query {
    /// The text typed.
    pub q: String,
    /// Only this kind of result (`None`: all kinds).
    pub kind: Option<Kind>,
    /// Fetch remote accounts and posts that are not known yet (signed-in readers only).
    pub resolve: bool,
    /// Results per kind.
    pub limit: i64,
    /// Results to skip per kind.
    pub offset: i64,
}

/// Search results, each list in relevance order.
#[derive(Clone, Debug, Default)]
pub struct Results {
    /// Accounts.
    pub accounts: Vec<AccountView>,
    /// Statuses the reader may see.
    pub statuses: Vec<StatusView>,
    /// Hashtag names (lower case, without `#`).
    pub hashtags: Vec<String>,
}

/// Runs a search for `viewer` (or an anonymous reader, who cannot resolve).
pub async fn search(
    data: &FedData,
    viewer: Option<&Account>,
    query: Query,
) -> Result<Results, ServiceError> {
    let q = query.q.trim().to_string();
    let mut results = Results::default();
    if q.is_empty() {
        return Ok(results);
    }
    let wants = |kind: Kind| query.kind.is_none_or(|k| k == kind);
    let resolve = query.resolve && viewer.is_some() && query.offset == 0;
    let viewer_id = viewer.map(|v| v.id);
    let is_url = q.starts_with("https://") || q.starts_with("http://");
    let (limit, offset) = (query.limit.clamp(1, 40), query.offset.max(0));

    if is_url {
        if wants(Kind::Statuses) && offset == 0 {
            results.statuses = post_by_url(data, &q, viewer_id, resolve).await?;
        }
        if wants(Kind::Accounts) && offset == 0 && results.statuses.is_empty() {
            results.accounts = account_by_url(data, &q, resolve).await?;
        }
        return Ok(results);
    }
    if wants(Kind::Accounts) {
        results.accounts = accounts(data, &q, resolve, limit, offset).await?;
    }
    if wants(Kind::Hashtags) {
        results.hashtags = hashtags(data, &q, limit, offset).await?;
    }
    Ok(results)
}

/// A known account by handle: a local `user`, `user@this-domain`, or a remote `user@domain`
/// already fetched (nothing is fetched here).
pub async fn lookup(state: &AppState, acct: &str) -> Result<AccountView, ServiceError> {
    let (user, domain) = split_handle(acct);
    let domain = domain.filter(|d| !d.eq_ignore_ascii_case(state.urls().domain()));
    state
        .db()
        .read(move |conn| {
            let Some(account) = find_by_handle(conn, &user, domain.as_deref())? else {
                return Ok(None);
            };
            Ok(hydrate::accounts(conn, vec![account])?.pop())
        })
        .await?
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// `@user@domain`, `user@domain` or `user` split into its parts (domain lower-cased).
fn split_handle(text: &str) -> (String, Option<String>) {
    let handle = text.trim().trim_start_matches('@');
    match handle.split_once('@') {
        Some((user, domain)) => (user.to_string(), Some(domain.to_ascii_lowercase())),
        None => (handle.to_string(), None),
    }
}

/// Local people that are disabled, and the instance actor, are never found.
fn hidden(conn: &mut DbConnection) -> Result<Vec<i64>, DbError> {
    let mut ids: Vec<i64> = users::table
        .filter(users::disabled.eq(true))
        .select(users::account_id)
        .load(conn)?;
    ids.extend(
        accounts::table
            .filter(accounts::domain.is_null())
            .filter(accounts::actor_type.eq("Application"))
            .select(accounts::id)
            .load::<i64>(conn)?,
    );
    Ok(ids)
}

/// An account by exact handle (username compared case-insensitively); `domain` `None` is local.
fn find_by_handle(
    conn: &mut DbConnection,
    user: &str,
    domain: Option<&str>,
) -> Result<Option<Account>, DbError> {
    let hidden = hidden(conn)?;
    let query = accounts::table
        .filter(lower(accounts::username).eq(user.to_lowercase()))
        .filter(accounts::id.ne_all(hidden))
        .select(Account::as_select())
        .into_boxed();
    let query = match domain {
        Some(domain) => {
            query.filter(lower(accounts::domain.assume_not_null()).eq(domain.to_string()))
        }
        None => query.filter(accounts::domain.is_null()),
    };
    Ok(query.first(conn).optional()?)
}

/// `text` with LIKE wildcards escaped (escape character `\`), lower-cased, plus `%`.
fn prefix_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

async fn accounts(
    data: &FedData,
    q: &str,
    resolve: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<AccountView>, ServiceError> {
    let (user, domain) = split_handle(q);
    if user.is_empty() {
        return Ok(Vec::new());
    }
    let local_domain = data.urls().domain().to_ascii_lowercase();
    let remote_domain = domain
        .clone()
        .filter(|d| !d.is_empty() && *d != local_domain);
    let mut exact: Option<Account> = None;
    if domain.as_deref().is_some_and(|d| !d.is_empty()) && offset == 0 {
        let (u, d) = (user.clone(), remote_domain.clone());
        exact = data
            .db()
            .read(move |conn| find_by_handle(conn, &u, d.as_deref()))
            .await?;
        if exact.is_none()
            && resolve
            && let Some(domain) = &remote_domain
        {
            exact = resolve::actor(data, &format!("{user}@{domain}")).await.ok();
        }
    }
    let user_pattern = prefix_pattern(&user);
    let domain_pattern = domain
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(prefix_pattern);
    let local_only = domain
        .as_deref()
        .is_some_and(|d| !d.is_empty() && d == local_domain);
    let exact_id = exact.as_ref().map(|a| a.id);
    let found = data
        .db()
        .read(move |conn| {
            let hidden = hidden(conn)?;
            let mut query = accounts::table
                .filter(accounts::id.ne_all(hidden))
                .select(Account::as_select())
                .into_boxed();
            query = match (&domain_pattern, local_only) {
                (_, true) => query
                    .filter(accounts::domain.is_null())
                    .filter(lower(accounts::username).like(user_pattern).escape('\\')),
                (Some(domain_pattern), false) => query
                    .filter(lower(accounts::username).like(user_pattern).escape('\\'))
                    .filter(
                        lower(accounts::domain.assume_not_null())
                            .like(domain_pattern.clone())
                            .escape('\\'),
                    ),
                (None, false) => query.filter(
                    lower(accounts::username)
                        .like(user_pattern.clone())
                        .escape('\\')
                        .or(lower(accounts::display_name)
                            .like(user_pattern.clone())
                            .escape('\\'))
                        .or(lower(accounts::department.assume_not_null())
                            .like(user_pattern)
                            .escape('\\')
                            .and(accounts::discoverable.eq(true))),
                ),
            };
            if let Some(id) = exact_id {
                query = query.filter(accounts::id.ne(id));
            }
            let mut rows: Vec<Account> = query
                .order((
                    accounts::domain.is_not_null().asc(),
                    accounts::username.asc(),
                ))
                .offset(offset)
                .limit(limit)
                .load(conn)?;
            if let Some(exact) = exact {
                rows.insert(0, exact);
                rows.truncate(limit as usize);
            }
            hydrate::accounts(conn, rows)
        })
        .await?;
    Ok(found)
}

async fn hashtags(
    state: &AppState,
    q: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<String>, ServiceError> {
    let name = q.trim().trim_start_matches('#').to_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Ok(Vec::new());
    }
    let pattern = prefix_pattern(&name);
    Ok(state
        .db()
        .read(move |conn| {
            Ok(post_tags::table
                .filter(post_tags::name.like(pattern).escape('\\'))
                .select(post_tags::name)
                .distinct()
                .order(post_tags::name.asc())
                .offset(offset)
                .limit(limit)
                .load::<String>(conn)?)
        })
        .await?)
}

async fn post_by_url(
    data: &FedData,
    url: &str,
    viewer: Option<i64>,
    resolve: bool,
) -> Result<Vec<StatusView>, ServiceError> {
    let probe = url.to_string();
    let known: Option<Post> = data
        .db()
        .read(move |conn| {
            Ok(posts::table
                .filter(posts::uri.eq(&probe).or(posts::url.eq(&probe)))
                .filter(posts::reblog_of_id.is_null())
                .select(Post::as_select())
                .first(conn)
                .optional()?)
        })
        .await?;
    let post = match (known, viewer) {
        (Some(post), _) => Some(post),
        (None, Some(viewer)) if resolve => resolve::visible_post(data, url, viewer).await.ok(),
        (None, _) => None,
    };
    let Some(post) = post else {
        return Ok(Vec::new());
    };
    Ok(data
        .db()
        .read(move |conn| {
            let visible = visibility::visible_posts(conn, vec![post], viewer)?;
            hydrate::statuses(conn, visible, viewer)
        })
        .await?)
}

async fn account_by_url(
    data: &FedData,
    url: &str,
    resolve: bool,
) -> Result<Vec<AccountView>, ServiceError> {
    let probe = url.to_string();
    let known: Option<Account> = data
        .db()
        .read(move |conn| {
            let hidden = hidden(conn)?;
            Ok(accounts::table
                .filter(accounts::uri.eq(&probe).or(accounts::url.eq(&probe)))
                .filter(accounts::id.ne_all(hidden))
                .select(Account::as_select())
                .first(conn)
                .optional()?)
        })
        .await?;
    let account = match known {
        Some(account) => Some(account),
        None if resolve => resolve::actor(data, url).await.ok(),
        None => None,
    };
    let Some(account) = account else {
        return Ok(Vec::new());
    };
    Ok(data
        .db()
        .read(move |conn| hydrate::accounts(conn, vec![account]))
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(prefix_pattern("Al_i%c\\e"), "al\\_i\\%c\\\\e%");
    }

    #[test]
    fn handles_are_split() {
        assert_eq!(
            split_handle("@Bob@Example.COM"),
            ("Bob".into(), Some("example.com".into()))
        );
        assert_eq!(split_handle("bob"), ("bob".into(), None));
        assert_eq!(split_handle("bob@"), ("bob".into(), Some(String::new())));
    }

    #[test]
    fn kinds_parse() {
        assert_eq!(Kind::parse("accounts"), Some(Kind::Accounts));
        assert_eq!(Kind::parse("users"), None);
    }
}
