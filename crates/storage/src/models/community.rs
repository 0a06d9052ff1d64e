//! `communities`, `community_moderators` and `community_posts`: the Group actors whose members
//! post, who moderates them and which posts they carry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::models::Account;
use crate::page::{Window, paged};
use crate::schema::{accounts, communities, community_moderators, community_posts, follows};
use crate::{DbConnection, DbError, per_backend};

crate::stored_enum::stored_enum! {
    /// Who may start threads and reply in a community.
    pub enum Posting {
        /// Every member (accepted follower) and moderator.
        Members => "members",
        /// Moderators only.
        Moderators => "moderators",
    }
}

crate::stored_enum::stored_enum! {
    /// How people join a community.
    pub enum Membership {
        /// A follow is accepted at once.
        Open => "open",
        /// A follow waits for a moderator's answer.
        Approval => "approval",
    }
}

crate::stored_enum::stored_enum! {
    /// Who may read a community's posts.
    pub enum CommunityVisibility {
        /// Everyone.
        Public => "public",
        /// Members only.
        Members => "members",
    }
}

/// A community: the settings of its Group actor (`account_id`).
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = communities)]
pub struct Community {
    /// The Group actor's account.
    pub account_id: i64,
    /// Display title.
    pub title: String,
    /// Plain-text description.
    pub description: String,
    /// Who may post.
    pub posting: Posting,
    /// How people join.
    pub membership: Membership,
    /// Who may read.
    pub visibility: CommunityVisibility,
    /// When it was archived (no more posts), if it was.
    pub archived_at: Option<NaiveDateTime>,
    /// The local person who created it.
    pub created_by: i64,
    /// When it was created.
    pub created_at: NaiveDateTime,
}

/// A community with its Group actor and its member count (accepted followers, wherever
/// they are).
#[derive(Clone, Debug)]
pub struct CommunityWithActor {
    /// The settings.
    pub community: Community,
    /// The Group actor.
    pub actor: Account,
}

impl Community {
    /// Inserts a community.
    pub fn insert(conn: &mut DbConnection, row: &Community) -> Result<(), DbError> {
        diesel::insert_into(communities::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// The community whose Group actor is `account_id`.
    pub fn find(conn: &mut DbConnection, account_id: i64) -> Result<Option<Community>, DbError> {
        Ok(communities::table
            .find(account_id)
            .select(Community::as_select())
            .first(conn)
            .optional()?)
    }

    /// The local community named `username`, with its actor.
    pub fn find_by_name(
        conn: &mut DbConnection,
        username: &str,
    ) -> Result<Option<CommunityWithActor>, DbError> {
        let row: Option<(Community, Account)> = communities::table
            .inner_join(accounts::table.on(accounts::id.eq(communities::account_id)))
            .filter(accounts::username.eq(username))
            .filter(accounts::domain.is_null())
            .select((Community::as_select(), Account::as_select()))
            .first(conn)
            .optional()?;
        Ok(row.map(|(community, actor)| CommunityWithActor { community, actor }))
    }

    /// Which of `account_ids` are communities, with their actors.
    pub fn among(
        conn: &mut DbConnection,
        account_ids: &[i64],
    ) -> Result<Vec<CommunityWithActor>, DbError> {
        let rows: Vec<(Community, Account)> = communities::table
            .inner_join(accounts::table.on(accounts::id.eq(communities::account_id)))
            .filter(communities::account_id.eq_any(account_ids))
            .select((Community::as_select(), Account::as_select()))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(community, actor)| CommunityWithActor { community, actor })
            .collect())
    }

    /// Every community, by name, with its actor.
    pub fn all(conn: &mut DbConnection) -> Result<Vec<CommunityWithActor>, DbError> {
        let rows: Vec<(Community, Account)> = communities::table
            .inner_join(accounts::table.on(accounts::id.eq(communities::account_id)))
            .order(accounts::username.asc())
            .select((Community::as_select(), Account::as_select()))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(community, actor)| CommunityWithActor { community, actor })
            .collect())
    }

    /// Writes title, description, posting, membership and visibility.
    pub fn update(conn: &mut DbConnection, row: &Community) -> Result<(), DbError> {
        diesel::update(communities::table.find(row.account_id))
            .set((
                communities::title.eq(&row.title),
                communities::description.eq(&row.description),
                communities::posting.eq(row.posting),
                communities::membership.eq(row.membership),
                communities::visibility.eq(row.visibility),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Marks a community archived (kept once set).
    pub fn archive(
        conn: &mut DbConnection,
        account_id: i64,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(
            communities::table
                .find(account_id)
                .filter(communities::archived_at.is_null()),
        )
        .set(communities::archived_at.eq(Some(at)))
        .execute(conn)?;
        Ok(())
    }

    /// Accepted followers (members) of the community, newest first, each with the id of
    /// its follow (the page key).
    pub fn members(
        conn: &mut DbConnection,
        account_id: i64,
        window: Window,
    ) -> Result<Vec<(i64, Account)>, DbError> {
        let query = follows::table
            .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
            .filter(follows::target_account_id.eq(account_id))
            .filter(follows::accepted.eq(true));
        let rows: Vec<(i64, Account)> = paged!(query, follows::id, window)
            .select((follows::id, Account::as_select()))
            .load(conn)?;
        Ok(window.finish(rows))
    }

    /// Whether `account_id` is an accepted member of the community.
    pub fn is_member(
        conn: &mut DbConnection,
        community_id: i64,
        account_id: i64,
    ) -> Result<bool, DbError> {
        Ok(diesel::select(diesel::dsl::exists(
            follows::table
                .filter(follows::target_account_id.eq(community_id))
                .filter(follows::account_id.eq(account_id))
                .filter(follows::accepted.eq(true)),
        ))
        .get_result(conn)?)
    }
}

/// The moderators of communities.
pub struct CommunityModerator;

impl CommunityModerator {
    /// Adds a moderator (adding one again changes nothing).
    pub fn add(
        conn: &mut DbConnection,
        community_id: i64,
        account_id: i64,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        per_backend!(conn, |c| diesel::insert_into(community_moderators::table)
            .values((
                community_moderators::community_id.eq(community_id),
                community_moderators::account_id.eq(account_id),
                community_moderators::created_at.eq(at),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    /// Removes a moderator; returns whether they were one.
    pub fn remove(
        conn: &mut DbConnection,
        community_id: i64,
        account_id: i64,
    ) -> Result<bool, DbError> {
        Ok(
            diesel::delete(community_moderators::table.find((community_id, account_id)))
                .execute(conn)?
                > 0,
        )
    }

    /// The moderators of a community, in the order they were added.
    pub fn of(conn: &mut DbConnection, community_id: i64) -> Result<Vec<Account>, DbError> {
        Ok(community_moderators::table
            .inner_join(accounts::table.on(accounts::id.eq(community_moderators::account_id)))
            .filter(community_moderators::community_id.eq(community_id))
            .order(community_moderators::created_at.asc())
            .select(Account::as_select())
            .load(conn)?)
    }

    /// Whether `account_id` moderates the community.
    pub fn is(
        conn: &mut DbConnection,
        community_id: i64,
        account_id: i64,
    ) -> Result<bool, DbError> {
        Ok(diesel::select(diesel::dsl::exists(
            community_moderators::table.find((community_id, account_id)),
        ))
        .get_result(conn)?)
    }
}

/// A post a community carries.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = community_posts)]
pub struct CommunityPost {
    /// The post.
    pub post_id: i64,
    /// The community's Group actor.
    pub community_id: i64,
    /// The thread's first post (the post itself for a thread start).
    pub thread_id: i64,
    /// A thread start's title, if it has one.
    pub title: Option<String>,
}

impl CommunityPost {
    /// Records that a community carries a post (recording it again changes nothing).
    pub fn insert(conn: &mut DbConnection, row: &CommunityPost) -> Result<(), DbError> {
        per_backend!(conn, |c| diesel::insert_into(community_posts::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    /// The community entry of a post, if a community carries it.
    pub fn of_post(
        conn: &mut DbConnection,
        post_id: i64,
    ) -> Result<Option<CommunityPost>, DbError> {
        Ok(community_posts::table
            .find(post_id)
            .select(CommunityPost::as_select())
            .first(conn)
            .optional()?)
    }

    /// The thread starts of a community, newest first, paged by post id.
    pub fn threads(
        conn: &mut DbConnection,
        community_id: i64,
        window: Window,
    ) -> Result<Vec<CommunityPost>, DbError> {
        let query = community_posts::table
            .filter(community_posts::community_id.eq(community_id))
            .filter(community_posts::thread_id.eq(community_posts::post_id));
        let rows = paged!(query, community_posts::post_id, window)
            .select(CommunityPost::as_select())
            .load(conn)?;
        Ok(window.finish(rows))
    }
}
