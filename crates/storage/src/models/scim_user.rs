//! `scim_users`: the people an identity provider provisioned through SCIM, with the opaque SCIM
//! id, the provider's userName and externalId, and the resource as last written.

use chrono::NaiveDateTime;
use diesel::dsl::not;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};

use crate::connection::MultiBackend;
use crate::schema::{accounts, scim_users, users};
use crate::{DbConnection, DbError};

/// A provisioned person.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = scim_users)]
pub struct ScimUserRow {
    /// The opaque SCIM id (a UUID).
    pub id: String,
    /// The local person.
    pub account_id: i64,
    /// The userName as the provider gave it.
    pub user_name: String,
    /// The userName lower-cased: unique, as SCIM compares userNames without case.
    pub user_name_key: String,
    /// The provider's own id of the person.
    pub external_id: Option<String>,
    /// The SCIM resource as last written (JSON, without `id` and `meta`).
    pub resource: String,
    /// Counts the writes; the resource's version (ETag).
    pub version: i64,
    /// When it was provisioned.
    pub created_at: NaiveDateTime,
    /// When it was last written.
    pub updated_at: NaiveDateTime,
}

/// An attribute a SCIM filter compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScimAttribute {
    /// `id`.
    Id,
    /// `userName` (compared without case).
    UserName,
    /// `externalId`.
    ExternalId,
    /// `emails.value`: the person's email (compared without case).
    Email,
    /// `displayName`: the person's display name.
    DisplayName,
}

/// How a text attribute is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextMatch {
    /// `eq`
    Equals,
    /// `ne`
    NotEquals,
    /// `co`
    Contains,
    /// `sw`
    StartsWith,
    /// `ew`
    EndsWith,
}

/// Which provisioned people a listing selects (a parsed SCIM filter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScimUserQuery {
    /// Everyone.
    All,
    /// A text attribute compared with a value.
    Text(ScimAttribute, TextMatch, String),
    /// The attribute has a value (`pr`).
    Present(ScimAttribute),
    /// `active eq true|false`.
    Active(bool),
    /// Both.
    And(Box<ScimUserQuery>, Box<ScimUserQuery>),
    /// Either.
    Or(Box<ScimUserQuery>, Box<ScimUserQuery>),
    /// Not.
    Not(Box<ScimUserQuery>),
}

type Condition =
    Box<dyn BoxableExpression<scim_users::table, MultiBackend, SqlType = Nullable<Bool>>>;

/// `value` as a LIKE pattern for `matching`, with `%`, `_` and `\` escaped.
fn like_pattern(matching: TextMatch, value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    match matching {
        TextMatch::StartsWith => format!("{escaped}%"),
        TextMatch::EndsWith => format!("%{escaped}"),
        _ => format!("%{escaped}%"),
    }
}

macro_rules! compare {
    ($column:expr, $matching:expr, $value:expr) => {{
        let value: String = $value;
        match $matching {
            TextMatch::Equals => Box::new($column.eq(value).nullable()) as Condition,
            TextMatch::NotEquals => Box::new($column.ne(value).nullable()),
            other => Box::new(
                $column
                    .like(like_pattern(other, &value))
                    .escape('\\')
                    .nullable(),
            ),
        }
    }};
}

/// People whose `users` row matches `$filter`.
macro_rules! owned_by {
    ($filter:expr) => {
        Box::new(
            scim_users::account_id
                .eq_any(users::table.filter($filter).select(users::account_id))
                .nullable(),
        ) as Condition
    };
}

/// People whose `accounts` row matches `$filter`.
macro_rules! named {
    ($filter:expr) => {
        Box::new(
            scim_users::account_id
                .eq_any(accounts::table.filter($filter).select(accounts::id))
                .nullable(),
        ) as Condition
    };
}

fn condition(query: &ScimUserQuery) -> Condition {
    match query {
        ScimUserQuery::All => Box::new(scim_users::id.is_not_null().nullable()),
        ScimUserQuery::Text(attribute, matching, value) => match attribute {
            ScimAttribute::Id => compare!(scim_users::id, *matching, value.clone()),
            ScimAttribute::UserName => {
                compare!(scim_users::user_name_key, *matching, value.to_lowercase())
            }
            ScimAttribute::ExternalId => {
                compare!(
                    scim_users::external_id.assume_not_null(),
                    *matching,
                    value.clone()
                )
            }
            ScimAttribute::Email => {
                let value = value.to_lowercase();
                match matching {
                    TextMatch::Equals => owned_by!(users::email.eq(value)),
                    TextMatch::NotEquals => owned_by!(users::email.ne(value)),
                    other => {
                        owned_by!(users::email.like(like_pattern(*other, &value)).escape('\\'))
                    }
                }
            }
            ScimAttribute::DisplayName => {
                let value = value.clone();
                match matching {
                    TextMatch::Equals => named!(accounts::display_name.eq(value)),
                    TextMatch::NotEquals => named!(accounts::display_name.ne(value)),
                    other => named!(
                        accounts::display_name
                            .like(like_pattern(*other, &value))
                            .escape('\\')
                    ),
                }
            }
        },
        ScimUserQuery::Present(ScimAttribute::ExternalId) => {
            Box::new(scim_users::external_id.is_not_null().nullable())
        }
        ScimUserQuery::Present(ScimAttribute::DisplayName) => {
            named!(accounts::display_name.ne(""))
        }
        ScimUserQuery::Present(_) => Box::new(scim_users::id.is_not_null().nullable()),
        ScimUserQuery::Active(active) => owned_by!(users::disabled.eq(!*active)),
        ScimUserQuery::And(a, b) => Box::new(condition(a).and(condition(b))),
        ScimUserQuery::Or(a, b) => Box::new(condition(a).or(condition(b))),
        ScimUserQuery::Not(a) => Box::new(not(condition(a))),
    }
}

/// A page of provisioned people and whether each is disabled.
#[derive(Clone, Debug)]
pub struct ScimUserPage {
    /// How many match in all.
    pub total: i64,
    /// The page: each row with its person's disabled flag.
    pub rows: Vec<(ScimUserRow, bool)>,
}

impl ScimUserRow {
    /// Inserts a new row.
    pub fn insert(conn: &mut DbConnection, row: &ScimUserRow) -> Result<(), DbError> {
        diesel::insert_into(scim_users::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// Writes every column of `row` (found by id).
    pub fn update(conn: &mut DbConnection, row: &ScimUserRow) -> Result<(), DbError> {
        diesel::update(scim_users::table.find(&row.id))
            .set(row)
            .execute(conn)?;
        Ok(())
    }

    /// Forgets a provisioned person (the person stays).
    pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
        diesel::delete(scim_users::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// The row with this SCIM id and whether its person is disabled.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<(ScimUserRow, bool)>, DbError> {
        Ok(scim_users::table
            .find(id)
            .inner_join(users::table.on(users::account_id.eq(scim_users::account_id)))
            .select((ScimUserRow::as_select(), users::disabled))
            .first(conn)
            .optional()?)
    }

    /// The SCIM id of whoever holds the lower-cased userName `key`.
    pub fn id_by_user_name_key(
        conn: &mut DbConnection,
        key: &str,
    ) -> Result<Option<String>, DbError> {
        Ok(scim_users::table
            .filter(scim_users::user_name_key.eq(key))
            .select(scim_users::id)
            .first(conn)
            .optional()?)
    }

    /// The people `query` selects, oldest first, `limit` of them after skipping `offset`
    /// (three queries whatever the page size).
    pub fn search(
        conn: &mut DbConnection,
        query: &ScimUserQuery,
        offset: i64,
        limit: i64,
    ) -> Result<ScimUserPage, DbError> {
        let total = scim_users::table
            .filter(condition(query))
            .count()
            .get_result(conn)?;
        let rows: Vec<ScimUserRow> = scim_users::table
            .filter(condition(query))
            .order(scim_users::account_id.asc())
            .offset(offset)
            .limit(limit)
            .select(ScimUserRow::as_select())
            .load(conn)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
        let disabled: std::collections::HashMap<i64, bool> = users::table
            .filter(users::account_id.eq_any(&ids))
            .select((users::account_id, users::disabled))
            .load::<(i64, bool)>(conn)?
            .into_iter()
            .collect();
        Ok(ScimUserPage {
            total,
            rows: rows
                .into_iter()
                .map(|r| {
                    let off = disabled.get(&r.account_id).copied().unwrap_or(true);
                    (r, off)
                })
                .collect(),
        })
    }
}

/// The person SCIM provisioned under this userName or externalId: the account id of the
/// provisioned person whose userName equals `user_name` (without case) or whose externalId
/// equals `external_id`.
pub fn provisioned_account(
    conn: &mut DbConnection,
    user_name: &str,
    external_id: Option<&str>,
) -> Result<Option<i64>, DbError> {
    let by_name = scim_users::table
        .filter(scim_users::user_name_key.eq(user_name.to_lowercase()))
        .select(scim_users::account_id)
        .first(conn)
        .optional()?;
    match (by_name, external_id) {
        (Some(id), _) => Ok(Some(id)),
        (None, Some(external)) => Ok(scim_users::table
            .filter(scim_users::external_id.eq(external))
            .select(scim_users::account_id)
            .first(conn)
            .optional()?),
        (None, None) => Ok(None),
    }
}
