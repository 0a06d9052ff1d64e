//! `filters`, `filter_keywords` and `filter_statuses`: people's keyword filters.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{filter_keywords, filter_statuses, filters};
use crate::{DbConnection, DbError, per_backend};

crate::stored_enum::stored_enum! {
    /// What a matching filter does to a status.
    pub enum FilterAction {
        /// Shown behind a warning naming the filter.
        Warn => "warn",
        /// Left out.
        Hide => "hide",
        /// Shown with its media blurred.
        Blur => "blur",
    }
}

/// A person's filter: a title, where it applies and what it does.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = filters)]
pub struct Filter {
    /// Identifier.
    pub id: i64,
    /// The owner.
    pub account_id: i64,
    /// Title shown by clients.
    pub title: String,
    /// The contexts it applies to, comma separated (`home,public,...`).
    pub contexts: String,
    /// What it does.
    pub action: FilterAction,
    /// When it stops applying.
    pub expires_at: Option<NaiveDateTime>,
    /// When it was created.
    pub created_at: NaiveDateTime,
}

/// A word or phrase a filter matches.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = filter_keywords)]
pub struct FilterKeyword {
    /// Identifier.
    pub id: i64,
    /// Its filter.
    pub filter_id: i64,
    /// The word or phrase.
    pub keyword: String,
    /// Matches only whole words.
    pub whole_word: bool,
}

/// A status a filter names.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = filter_statuses)]
pub struct FilterStatus {
    /// Identifier.
    pub id: i64,
    /// Its filter.
    pub filter_id: i64,
    /// The status.
    pub post_id: i64,
}

/// A filter with its keywords and statuses.
#[derive(Clone, Debug)]
pub struct FilterWithRules {
    /// The filter.
    pub filter: Filter,
    /// Its keywords, oldest first.
    pub keywords: Vec<FilterKeyword>,
    /// Its statuses, oldest first.
    pub statuses: Vec<FilterStatus>,
}

impl Filter {
    /// Stores a new filter.
    pub fn insert(conn: &mut DbConnection, filter: &Filter) -> Result<(), DbError> {
        diesel::insert_into(filters::table)
            .values(filter)
            .execute(conn)?;
        Ok(())
    }

    /// Replaces the title, contexts, action and expiry.
    pub fn update(conn: &mut DbConnection, filter: &Filter) -> Result<(), DbError> {
        diesel::update(filters::table.find(filter.id))
            .set((
                filters::title.eq(&filter.title),
                filters::contexts.eq(&filter.contexts),
                filters::action.eq(filter.action),
                filters::expires_at.eq(filter.expires_at),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// The filter `id` if `owner` owns it.
    pub fn find_owned(
        conn: &mut DbConnection,
        id: i64,
        owner: i64,
    ) -> Result<Option<Filter>, DbError> {
        Ok(filters::table
            .filter(filters::id.eq(id))
            .filter(filters::account_id.eq(owner))
            .select(Filter::as_select())
            .first(conn)
            .optional()?)
    }

    /// How many filters `owner` keeps.
    pub fn count_of(conn: &mut DbConnection, owner: i64) -> Result<i64, DbError> {
        Ok(filters::table
            .filter(filters::account_id.eq(owner))
            .count()
            .get_result(conn)?)
    }

    /// Deletes a filter with its keywords and statuses.
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(filter_keywords::table.filter(filter_keywords::filter_id.eq(id)))
            .execute(conn)?;
        diesel::delete(filter_statuses::table.filter(filter_statuses::filter_id.eq(id)))
            .execute(conn)?;
        diesel::delete(filters::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// Every filter of `owner` with its rules, oldest first; with `active_at`, only those that
    /// have not expired by then. Three queries.
    pub fn all_of(
        conn: &mut DbConnection,
        owner: i64,
        active_at: Option<NaiveDateTime>,
    ) -> Result<Vec<FilterWithRules>, DbError> {
        let mut query = filters::table
            .filter(filters::account_id.eq(owner))
            .order(filters::id.asc())
            .select(Filter::as_select())
            .into_boxed();
        if let Some(now) = active_at {
            query = query.filter(
                filters::expires_at
                    .is_null()
                    .or(filters::expires_at.gt(now)),
            );
        }
        let list: Vec<Filter> = query.load(conn)?;
        with_rules(conn, list)
    }

    /// One filter of `owner` with its rules.
    pub fn with_rules_owned(
        conn: &mut DbConnection,
        id: i64,
        owner: i64,
    ) -> Result<Option<FilterWithRules>, DbError> {
        let Some(filter) = Self::find_owned(conn, id, owner)? else {
            return Ok(None);
        };
        Ok(with_rules(conn, vec![filter])?.pop())
    }
}

fn with_rules(conn: &mut DbConnection, list: Vec<Filter>) -> Result<Vec<FilterWithRules>, DbError> {
    let ids: Vec<i64> = list.iter().map(|f| f.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keywords: Vec<FilterKeyword> = filter_keywords::table
        .filter(filter_keywords::filter_id.eq_any(&ids))
        .order(filter_keywords::id.asc())
        .select(FilterKeyword::as_select())
        .load(conn)?;
    let statuses: Vec<FilterStatus> = filter_statuses::table
        .filter(filter_statuses::filter_id.eq_any(&ids))
        .order(filter_statuses::id.asc())
        .select(FilterStatus::as_select())
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|filter| FilterWithRules {
            keywords: keywords
                .iter()
                .filter(|k| k.filter_id == filter.id)
                .cloned()
                .collect(),
            statuses: statuses
                .iter()
                .filter(|s| s.filter_id == filter.id)
                .cloned()
                .collect(),
            filter,
        })
        .collect())
}

impl FilterKeyword {
    /// Stores keywords.
    pub fn insert_all(conn: &mut DbConnection, rows: &[FilterKeyword]) -> Result<(), DbError> {
        if rows.is_empty() {
            return Ok(());
        }
        per_backend!(conn, |c| diesel::insert_into(filter_keywords::table)
            .values(rows)
            .execute(c))?;
        Ok(())
    }

    /// The keyword `id` with its filter, if `owner` owns the filter.
    pub fn find_owned(
        conn: &mut DbConnection,
        id: i64,
        owner: i64,
    ) -> Result<Option<FilterKeyword>, DbError> {
        Ok(filter_keywords::table
            .inner_join(filters::table)
            .filter(filter_keywords::id.eq(id))
            .filter(filters::account_id.eq(owner))
            .select(FilterKeyword::as_select())
            .first(conn)
            .optional()?)
    }

    /// Replaces the word and the whole-word flag.
    pub fn update(conn: &mut DbConnection, row: &FilterKeyword) -> Result<(), DbError> {
        diesel::update(filter_keywords::table.find(row.id))
            .set((
                filter_keywords::keyword.eq(&row.keyword),
                filter_keywords::whole_word.eq(row.whole_word),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes keywords of `filter_id` by id (ids of other filters are left alone).
    pub fn delete_of(conn: &mut DbConnection, filter_id: i64, ids: &[i64]) -> Result<(), DbError> {
        diesel::delete(
            filter_keywords::table
                .filter(filter_keywords::filter_id.eq(filter_id))
                .filter(filter_keywords::id.eq_any(ids)),
        )
        .execute(conn)?;
        Ok(())
    }
}

impl FilterStatus {
    /// Adds a status to a filter; adding it again keeps the first row, which is returned.
    pub fn insert(conn: &mut DbConnection, row: &FilterStatus) -> Result<FilterStatus, DbError> {
        per_backend!(conn, |c| diesel::insert_into(filter_statuses::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(filter_statuses::table
            .filter(filter_statuses::filter_id.eq(row.filter_id))
            .filter(filter_statuses::post_id.eq(row.post_id))
            .select(FilterStatus::as_select())
            .get_result(conn)?)
    }

    /// The status row `id`, if `owner` owns its filter.
    pub fn find_owned(
        conn: &mut DbConnection,
        id: i64,
        owner: i64,
    ) -> Result<Option<FilterStatus>, DbError> {
        Ok(filter_statuses::table
            .inner_join(filters::table)
            .filter(filter_statuses::id.eq(id))
            .filter(filters::account_id.eq(owner))
            .select(FilterStatus::as_select())
            .first(conn)
            .optional()?)
    }

    /// Removes a status row.
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(filter_statuses::table.find(id)).execute(conn)?;
        Ok(())
    }
}
