//! `lists` and `list_accounts`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Account;
use crate::page::{Window, paged};
use crate::schema::{accounts, list_accounts, lists};
use crate::{DbConnection, DbError, per_backend};

/// A list of accounts a person reads as its own timeline.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = lists)]
pub struct List {
    /// Identifier.
    pub id: i64,
    /// The owner.
    pub account_id: i64,
    /// Title shown by clients.
    pub title: String,
    /// Which replies the list timeline shows: `followed`, `list` or `none`.
    pub replies_policy: String,
    /// Members' posts are left out of the owner's home timeline (stored for clients).
    pub exclusive: bool,
    /// When it was created.
    pub created_at: NaiveDateTime,
}

impl List {
    /// Stores a new list.
    pub fn insert(conn: &mut DbConnection, list: &List) -> Result<(), DbError> {
        diesel::insert_into(lists::table)
            .values(list)
            .execute(conn)?;
        Ok(())
    }

    /// The list `id` if `owner` owns it.
    pub fn find_owned(
        conn: &mut DbConnection,
        id: i64,
        owner: i64,
    ) -> Result<Option<List>, DbError> {
        Ok(lists::table
            .filter(lists::id.eq(id))
            .filter(lists::account_id.eq(owner))
            .select(List::as_select())
            .first(conn)
            .optional()?)
    }

    /// Every list of `owner`, oldest first.
    pub fn all_of(conn: &mut DbConnection, owner: i64) -> Result<Vec<List>, DbError> {
        Ok(lists::table
            .filter(lists::account_id.eq(owner))
            .order(lists::id.asc())
            .select(List::as_select())
            .load(conn)?)
    }

    /// Replaces the title, replies policy and exclusive flag.
    pub fn update(conn: &mut DbConnection, list: &List) -> Result<(), DbError> {
        diesel::update(lists::table.find(list.id))
            .set((
                lists::title.eq(&list.title),
                lists::replies_policy.eq(&list.replies_policy),
                lists::exclusive.eq(list.exclusive),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes a list (its memberships go with it).
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(list_accounts::table.filter(list_accounts::list_id.eq(id))).execute(conn)?;
        diesel::delete(lists::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// A page of members, keyed by account id, newest account first.
    pub fn members_page(
        conn: &mut DbConnection,
        list_id: i64,
        window: Window,
    ) -> Result<Vec<Account>, DbError> {
        let query = list_accounts::table
            .inner_join(accounts::table.on(accounts::id.eq(list_accounts::account_id)))
            .filter(list_accounts::list_id.eq(list_id))
            .select(Account::as_select());
        let rows = paged!(query, list_accounts::account_id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// Adds members (already present ones are kept).
    pub fn add_members(
        conn: &mut DbConnection,
        list_id: i64,
        account_ids: &[i64],
    ) -> Result<(), DbError> {
        let rows: Vec<_> = account_ids
            .iter()
            .map(|id| {
                (
                    list_accounts::list_id.eq(list_id),
                    list_accounts::account_id.eq(*id),
                )
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        per_backend!(conn, |c| diesel::insert_into(list_accounts::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    /// Removes members.
    pub fn remove_members(
        conn: &mut DbConnection,
        list_id: i64,
        account_ids: &[i64],
    ) -> Result<(), DbError> {
        diesel::delete(
            list_accounts::table
                .filter(list_accounts::list_id.eq(list_id))
                .filter(list_accounts::account_id.eq_any(account_ids)),
        )
        .execute(conn)?;
        Ok(())
    }
}
