//! `posts`, `post_mentions`, `post_tags`: notes and boosts, local and remote.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{favourites, post_mentions, post_tags, posts};
use crate::{DbConnection, DbError, per_backend};

/// A stored note or boost.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = posts)]
pub struct Post {
    /// Time-sortable identifier.
    pub id: i64,
    /// ActivityPub id (for a boost: the Announce id).
    pub uri: String,
    /// Web page.
    pub url: Option<String>,
    /// Author (or booster).
    pub account_id: i64,
    /// Note, Article, ...
    pub object_type: String,
    /// Parent post, when known locally.
    pub in_reply_to_id: Option<i64>,
    /// Parent's ActivityPub id, even when not fetched.
    pub in_reply_to_uri: Option<String>,
    /// Parent's author, when known.
    pub in_reply_to_account_id: Option<i64>,
    /// For a boost: the boosted post.
    pub reblog_of_id: Option<i64>,
    /// Sanitized HTML.
    pub content: String,
    /// What a local author typed.
    pub source_text: Option<String>,
    /// Content warning.
    pub summary: String,
    /// Media marked sensitive, or behind a content warning.
    pub sensitive: bool,
    /// public, unlisted, private (followers only) or direct.
    pub visibility: Visibility,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Attachments as a JSON array of `{url, media_type, name}` links.
    pub attachments: String,
    /// Written on this instance.
    pub local: bool,
    /// Number of known replies.
    pub replies_count: i64,
    /// Number of likes.
    pub favourites_count: i64,
    /// Number of boosts.
    pub reblogs_count: i64,
    /// Publication time.
    pub created_at: NaiveDateTime,
    /// Last edit, if edited.
    pub edited_at: Option<NaiveDateTime>,
    /// Last change of the row.
    pub updated_at: NaiveDateTime,
    /// Department-only: shown to people of this instance only, never delivered or served
    /// to other servers.
    pub local_only: bool,
}

/// A new post row.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost {
    /// See [`Post::id`].
    pub id: i64,
    /// See [`Post::uri`].
    pub uri: String,
    /// See [`Post::url`].
    pub url: Option<String>,
    /// See [`Post::account_id`].
    pub account_id: i64,
    /// See [`Post::object_type`].
    pub object_type: String,
    /// See [`Post::in_reply_to_id`].
    pub in_reply_to_id: Option<i64>,
    /// See [`Post::in_reply_to_uri`].
    pub in_reply_to_uri: Option<String>,
    /// See [`Post::in_reply_to_account_id`].
    pub in_reply_to_account_id: Option<i64>,
    /// See [`Post::reblog_of_id`].
    pub reblog_of_id: Option<i64>,
    /// See [`Post::content`].
    pub content: String,
    /// See [`Post::source_text`].
    pub source_text: Option<String>,
    /// See [`Post::summary`].
    pub summary: String,
    /// See [`Post::sensitive`].
    pub sensitive: bool,
    /// See [`Post::visibility`].
    pub visibility: Visibility,
    /// See [`Post::language`].
    pub language: Option<String>,
    /// See [`Post::attachments`].
    pub attachments: String,
    /// See [`Post::local`].
    pub local: bool,
    /// See [`Post::created_at`].
    pub created_at: NaiveDateTime,
    /// See [`Post::edited_at`].
    pub edited_at: Option<NaiveDateTime>,
    /// See [`Post::updated_at`].
    pub updated_at: NaiveDateTime,
    /// See [`Post::local_only`].
    pub local_only: bool,
}

/// Which counter to move.
#[derive(Clone, Copy, Debug)]
pub enum Counter {
    /// replies_count
    Replies,
    /// favourites_count
    Favourites,
    /// reblogs_count
    Reblogs,
}

impl Post {
    /// Inserts a post row with its mentions and tags; returns the stored row. What a new
    /// post causes (counters, home feeds, notifications, stream event) is the domain's
    /// (`trellis_domain::changes::posts::store_post`).
    pub fn insert(
        conn: &mut DbConnection,
        new: &NewPost,
        mentioned_account_ids: &[i64],
        tags: &[String],
    ) -> Result<Post, DbError> {
        diesel::insert_into(posts::table)
            .values(new)
            .execute(conn)?;
        Self::replace_mentions_and_tags(conn, new.id, mentioned_account_ids, tags)?;
        Self::find(conn, new.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    /// Replaces the mention and tag rows of a post (after an edit).
    pub fn replace_mentions_and_tags(
        conn: &mut DbConnection,
        post_id: i64,
        mentioned_account_ids: &[i64],
        tags: &[String],
    ) -> Result<(), DbError> {
        diesel::delete(post_mentions::table.filter(post_mentions::post_id.eq(post_id)))
            .execute(conn)?;
        diesel::delete(post_tags::table.filter(post_tags::post_id.eq(post_id))).execute(conn)?;
        let mut mention_ids = mentioned_account_ids.to_vec();
        mention_ids.sort_unstable();
        mention_ids.dedup();
        let mentions: Vec<_> = mention_ids
            .iter()
            .map(|account| {
                (
                    post_mentions::post_id.eq(post_id),
                    post_mentions::account_id.eq(*account),
                )
            })
            .collect();
        for chunk in mentions.chunks(crate::INSERT_CHUNK) {
            per_backend!(conn, |c| diesel::insert_into(post_mentions::table)
                .values(chunk)
                .execute(c))?;
        }
        let mut names = tags.to_vec();
        names.sort();
        names.dedup();
        let rows: Vec<_> = names
            .iter()
            .map(|name| (post_tags::post_id.eq(post_id), post_tags::name.eq(name)))
            .collect();
        for chunk in rows.chunks(crate::INSERT_CHUNK) {
            per_backend!(conn, |c| diesel::insert_into(post_tags::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(())
    }

    /// A post by id.
    pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Post>, DbError> {
        // `get_result`, not `first`: the key is unique, and SQLite compiles a statement with
        // a bound `LIMIT` again at every execution (the planner reads the bound value).
        Ok(posts::table
            .find(id)
            .select(Post::as_select())
            .get_result(conn)
            .optional()?)
    }

    /// A post by ActivityPub id.
    pub fn find_by_uri(conn: &mut DbConnection, uri: &str) -> Result<Option<Post>, DbError> {
        Ok(posts::table
            .filter(posts::uri.eq(uri))
            .select(Post::as_select())
            .get_result(conn) // unique; see `find`
            .optional()?)
    }

    /// The boost of `post_id` by `account_id`, if any.
    pub fn find_reblog(
        conn: &mut DbConnection,
        account_id: i64,
        post_id: i64,
    ) -> Result<Option<Post>, DbError> {
        Ok(posts::table
            .filter(posts::account_id.eq(account_id))
            .filter(posts::reblog_of_id.eq(post_id))
            .select(Post::as_select())
            .first(conn)
            .optional()?)
    }

    /// Accounts mentioned by a post.
    pub fn mentioned_account_ids(
        conn: &mut DbConnection,
        post_id: i64,
    ) -> Result<Vec<i64>, DbError> {
        Ok(post_mentions::table
            .filter(post_mentions::post_id.eq(post_id))
            .select(post_mentions::account_id)
            .load(conn)?)
    }

    /// Hashtags of a post.
    pub fn tags(conn: &mut DbConnection, post_id: i64) -> Result<Vec<String>, DbError> {
        Ok(post_tags::table
            .filter(post_tags::post_id.eq(post_id))
            .select(post_tags::name)
            .order(post_tags::name.asc())
            .load(conn)?)
    }

    /// Direct replies of a post, oldest first.
    pub fn replies(
        conn: &mut DbConnection,
        post_id: i64,
        limit: i64,
    ) -> Result<Vec<Post>, DbError> {
        Ok(posts::table
            .filter(posts::in_reply_to_id.eq(post_id))
            .order(posts::id.asc())
            .limit(limit)
            .select(Post::as_select())
            .load(conn)?)
    }

    /// Links replies that arrived before their parent to it, once the parent is stored.
    pub fn adopt_orphans(conn: &mut DbConnection, parent: &Post) -> Result<usize, DbError> {
        let adopted = diesel::update(
            posts::table
                .filter(posts::in_reply_to_uri.eq(&parent.uri))
                .filter(posts::in_reply_to_id.is_null()),
        )
        .set((
            posts::in_reply_to_id.eq(parent.id),
            posts::in_reply_to_account_id.eq(parent.account_id),
        ))
        .execute(conn)?;
        if adopted > 0 {
            Self::add_to_counter(conn, parent.id, Counter::Replies, adopted as i64)?;
        }
        Ok(adopted)
    }

    /// Adds `delta` (possibly negative) to a counter, never going below zero.
    pub fn add_to_counter(
        conn: &mut DbConnection,
        post_id: i64,
        counter: Counter,
        delta: i64,
    ) -> Result<(), DbError> {
        use diesel::dsl::sql;
        use diesel::sql_types::BigInt;
        let target = posts::table.find(post_id);
        let expression = |column: &str| {
            sql::<BigInt>(&format!(
                "CASE WHEN {column} + {delta} < 0 THEN 0 ELSE {column} + {delta} END"
            ))
        };
        match counter {
            Counter::Replies => diesel::update(target)
                .set(posts::replies_count.eq(expression("replies_count")))
                .execute(conn)?,
            Counter::Favourites => diesel::update(target)
                .set(posts::favourites_count.eq(expression("favourites_count")))
                .execute(conn)?,
            Counter::Reblogs => diesel::update(target)
                .set(posts::reblogs_count.eq(expression("reblogs_count")))
                .execute(conn)?,
        };
        Ok(())
    }

    /// Takes back what an account did to other posts before it disappears: its likes and
    /// boosts stop counting and its replies leave their parents' reply counts.
    pub fn withdraw_interactions_of(
        conn: &mut DbConnection,
        account_id: i64,
    ) -> Result<(), DbError> {
        use diesel::dsl::{count_star, sql};
        use diesel::sql_types::BigInt;
        let decrement = |column: &str| {
            sql::<BigInt>(&format!(
                "CASE WHEN {column} > 0 THEN {column} - 1 ELSE 0 END"
            ))
        };
        let liked = favourites::table
            .filter(favourites::account_id.eq(account_id))
            .select(favourites::post_id);
        diesel::update(posts::table.filter(posts::id.eq_any(liked)))
            .set(posts::favourites_count.eq(decrement("favourites_count")))
            .execute(conn)?;
        diesel::delete(favourites::table.filter(favourites::account_id.eq(account_id)))
            .execute(conn)?;
        let boosted: Vec<i64> = posts::table
            .filter(posts::account_id.eq(account_id))
            .filter(posts::reblog_of_id.is_not_null())
            .select(posts::reblog_of_id.assume_not_null())
            .load(conn)?;
        diesel::update(posts::table.filter(posts::id.eq_any(&boosted)))
            .set(posts::reblogs_count.eq(decrement("reblogs_count")))
            .execute(conn)?;
        let parents: Vec<(Option<i64>, i64)> = posts::table
            .filter(posts::account_id.eq(account_id))
            .filter(posts::in_reply_to_id.is_not_null())
            .group_by(posts::in_reply_to_id)
            .select((posts::in_reply_to_id, count_star()))
            .load(conn)?;
        for (parent, replies) in parents {
            if let Some(parent) = parent {
                Self::add_to_counter(conn, parent, Counter::Replies, -replies)?;
            }
        }
        Ok(())
    }

    /// Replaces the editable fields of a post.
    #[allow(clippy::too_many_arguments)]
    pub fn update_content(
        conn: &mut DbConnection,
        post_id: i64,
        content: &str,
        source_text: Option<&str>,
        summary: &str,
        sensitive: bool,
        edited_at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(posts::table.find(post_id))
            .set((
                posts::content.eq(content),
                posts::source_text.eq(source_text),
                posts::summary.eq(summary),
                posts::sensitive.eq(sensitive),
                posts::edited_at.eq(Some(edited_at)),
                posts::updated_at.eq(edited_at),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// The accounts that boosted or liked a post, each once.
    pub fn boosters_and_likers(conn: &mut DbConnection, post_id: i64) -> Result<Vec<i64>, DbError> {
        let boosters: Vec<i64> = posts::table
            .filter(posts::reblog_of_id.eq(post_id))
            .select(posts::account_id)
            .load(conn)?;
        let likers: Vec<i64> = favourites::table
            .filter(favourites::post_id.eq(post_id))
            .select(favourites::account_id)
            .load(conn)?;
        let mut interested: Vec<i64> = boosters.into_iter().chain(likers).collect();
        interested.sort_unstable();
        interested.dedup();
        Ok(interested)
    }

    /// Deletes a post (its boosts, mentions, tags and likes go with it). Returns the author
    /// and creation time of each boost that went with it, and whether the post itself was
    /// still there.
    pub fn delete(
        conn: &mut DbConnection,
        post: &Post,
    ) -> Result<(Vec<(i64, NaiveDateTime)>, bool), DbError> {
        let boosts: Vec<(i64, NaiveDateTime)> = posts::table
            .filter(posts::reblog_of_id.eq(post.id))
            .select((posts::account_id, posts::created_at))
            .load(conn)?;
        let deleted = diesel::delete(posts::table.find(post.id)).execute(conn)?;
        Ok((boosts, deleted > 0))
    }

    /// The posts (not boosts) among `ids` that `audience` may be shown, in no particular order.
    pub fn by_ids_in(
        conn: &mut DbConnection,
        ids: &[i64],
        audience: &PostAudience,
    ) -> Result<Vec<Post>, DbError> {
        Ok(posts::table
            .filter(posts::id.eq_any(ids))
            .filter(posts::reblog_of_id.is_null())
            .filter(posts::visibility.eq_any(audience.visibilities))
            .filter(posts::local_only.eq_any(audience.local_only_values()))
            .select(Post::as_select())
            .load(conn)?)
    }

    /// Posts and boosts of an account in `audience`, newest first; a boost only when the
    /// boosted post is in `audience` too. Which audience a page is for is the domain's.
    pub fn by_account_in(
        conn: &mut DbConnection,
        account_id: i64,
        audience: &PostAudience,
        max_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Post>, DbError> {
        let original = diesel::alias!(posts as original);
        let mut query = posts::table
            .left_join(original.on(original.field(posts::id).nullable().eq(posts::reblog_of_id)))
            .filter(posts::account_id.eq(account_id))
            .filter(posts::visibility.eq_any(audience.visibilities))
            .filter(posts::local_only.eq_any(audience.local_only_values()))
            .filter(
                posts::reblog_of_id.is_null().or(original
                    .field(posts::visibility)
                    .eq_any(audience.visibilities)
                    .and(
                        original
                            .field(posts::local_only)
                            .eq_any(audience.local_only_values()),
                    )),
            )
            .order(posts::id.desc())
            .limit(limit)
            .select(Post::as_select())
            .into_boxed();
        if let Some(max_id) = max_id {
            query = query.filter(posts::id.lt(max_id));
        }
        Ok(query.load(conn)?)
    }

    /// The ids and authors' actor ids of posts, keyed by post id (what an `Announce` names).
    pub fn uris_and_authors(
        conn: &mut DbConnection,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, (String, String)>, DbError> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        use crate::schema::accounts;
        let rows: Vec<(i64, String, String)> = posts::table
            .inner_join(accounts::table.on(accounts::id.eq(posts::account_id)))
            .filter(posts::id.eq_any(ids))
            .select((posts::id, posts::uri, accounts::uri))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(id, uri, author)| (id, (uri, author)))
            .collect())
    }

    /// Number of posts and boosts of an account in `audience`, as [`Post::by_account_in`]
    /// lists them.
    pub fn count_by_account_in(
        conn: &mut DbConnection,
        account_id: i64,
        audience: &PostAudience,
    ) -> Result<i64, DbError> {
        let original = diesel::alias!(posts as original);
        Ok(posts::table
            .left_join(original.on(original.field(posts::id).nullable().eq(posts::reblog_of_id)))
            .filter(posts::account_id.eq(account_id))
            .filter(posts::visibility.eq_any(audience.visibilities))
            .filter(posts::local_only.eq_any(audience.local_only_values()))
            .filter(
                posts::reblog_of_id.is_null().or(original
                    .field(posts::visibility)
                    .eq_any(audience.visibilities)
                    .and(
                        original
                            .field(posts::local_only)
                            .eq_any(audience.local_only_values()),
                    )),
            )
            .count()
            .get_result(conn)?)
    }

    /// Those of `uris` that name department-only posts (`local_only`).
    pub fn local_only_uris(
        conn: &mut DbConnection,
        uris: &[String],
    ) -> Result<std::collections::HashSet<String>, DbError> {
        if uris.is_empty() {
            return Ok(Default::default());
        }
        Ok(posts::table
            .filter(posts::uri.eq_any(uris))
            .filter(posts::local_only.eq(true))
            .select(posts::uri)
            .load::<String>(conn)?
            .into_iter()
            .collect())
    }

    /// Number of local posts (nodeinfo).
    pub fn count_local(conn: &mut DbConnection) -> Result<i64, DbError> {
        Ok(posts::table
            .filter(posts::local.eq(true))
            .filter(posts::reblog_of_id.is_null())
            .count()
            .get_result(conn)?)
    }
}

crate::stored_enum::stored_enum! {
    /// Who may see a post.
    pub enum Visibility {
        /// Everyone, listed in public timelines.
        Public => "public",
        /// Everyone, kept out of public timelines.
        Unlisted => "unlisted",
        /// The author's followers (and mentioned people).
        Private => "private",
        /// Only the mentioned people.
        Direct => "direct",
    }
}

impl Visibility {
    /// Anyone may read it, signed in or not.
    pub fn is_world_readable(self) -> bool {
        matches!(self, Visibility::Public | Visibility::Unlisted)
    }
}

/// Which posts a query may return, as the domain decides it (`services::visibility`): the
/// visibilities, and whether department-only posts are among them.
#[derive(Clone, Copy, Debug)]
pub struct PostAudience {
    /// Only posts with one of these visibilities.
    pub visibilities: &'static [Visibility],
    /// Department-only posts too.
    pub department_only: bool,
}

impl PostAudience {
    /// The `local_only` values allowed.
    fn local_only_values(&self) -> &'static [bool] {
        if self.department_only {
            &[false, true]
        } else {
            &[false]
        }
    }
}

/// What a public or hashtag timeline shows.
#[derive(Clone, Debug, Default)]
pub struct TimelineFilter {
    /// `Some(true)`: local posts only; `Some(false)`: remote posts only.
    pub local: Option<bool>,
    /// Only posts with attachments.
    pub only_media: bool,
    /// Posts with at least one of these hashtags (lower case, without `#`), when not empty.
    pub any_tags: Vec<String>,
    /// Posts with every one of these hashtags.
    pub all_tags: Vec<String>,
    /// Posts with none of these hashtags.
    pub no_tags: Vec<String>,
    /// Authors left out (blocked, blocking or muted).
    pub hidden_authors: Vec<i64>,
}

/// Reads of the client API's timelines and lists, one indexed query per page.
impl Post {
    /// A page of `reader`'s home feed (rows written when posts arrive), newest first.
    pub fn home_feed_page(
        conn: &mut DbConnection,
        reader: i64,
        window: crate::page::Window,
    ) -> Result<Vec<Post>, DbError> {
        use crate::schema::home_feed;
        let query = home_feed::table
            .inner_join(posts::table)
            .filter(home_feed::account_id.eq(reader))
            .select(Post::as_select());
        let rows = crate::page::paged!(query, home_feed::post_id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// A home page computed when read (posts of followed accounts, one's own and those
    /// mentioning the reader); kept to compare with [`Post::home_feed_page`].
    pub fn home_by_followees_page(
        conn: &mut DbConnection,
        reader: i64,
        window: crate::page::Window,
    ) -> Result<Vec<Post>, DbError> {
        use crate::schema::follows;
        let followed = follows::table
            .filter(follows::account_id.eq(reader))
            .filter(follows::accepted.eq(true))
            .select(follows::target_account_id);
        let mentioning = post_mentions::table
            .filter(post_mentions::account_id.eq(reader))
            .select(post_mentions::post_id);
        let query = posts::table
            .filter(
                posts::account_id
                    .eq_any(followed)
                    .and(posts::visibility.ne(Visibility::Direct))
                    .or(posts::account_id.eq(reader))
                    .or(posts::id.eq_any(mentioning)),
            )
            .select(Post::as_select());
        let rows = crate::page::paged!(query, posts::id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// A page of public notes (no boosts), newest first, narrowed by `filter`.
    pub fn public_page(
        conn: &mut DbConnection,
        filter: &TimelineFilter,
        window: crate::page::Window,
    ) -> Result<Vec<Post>, DbError> {
        let query = posts::table
            .filter(posts::visibility.eq(Visibility::Public))
            .filter(posts::reblog_of_id.is_null())
            .select(Post::as_select());
        let mut query = crate::page::paged!(query, posts::id, window);
        if let Some(local) = filter.local {
            query = query.filter(posts::local.eq(local));
        }
        if filter.only_media {
            query = query.filter(posts::attachments.ne("[]"));
        }
        if !filter.any_tags.is_empty() {
            let tagged = post_tags::table
                .filter(post_tags::name.eq_any(filter.any_tags.clone()))
                .select(post_tags::post_id);
            query = query.filter(posts::id.eq_any(tagged));
        }
        for tag in &filter.all_tags {
            let tagged = post_tags::table
                .filter(post_tags::name.eq(tag.clone()))
                .select(post_tags::post_id);
            query = query.filter(posts::id.eq_any(tagged));
        }
        if !filter.no_tags.is_empty() {
            let tagged = post_tags::table
                .filter(post_tags::name.eq_any(filter.no_tags.clone()))
                .select(post_tags::post_id);
            query = query.filter(diesel::dsl::not(posts::id.eq_any(tagged)));
        }
        if !filter.hidden_authors.is_empty() {
            query = query.filter(diesel::dsl::not(
                posts::account_id.eq_any(filter.hidden_authors.clone()),
            ));
        }
        Ok(window.finish(query.load(conn)?))
    }

    /// A page of posts and boosts by the members of a list (no direct posts), newest first.
    /// `replies_policy` picks the replies shown: to anyone `reader` follows (`followed`), to
    /// members (`list`) or none (`none`); replies to oneself are always shown.
    pub fn list_page(
        conn: &mut DbConnection,
        list_id: i64,
        reader: i64,
        replies_policy: &str,
        hidden_authors: &[i64],
        window: crate::page::Window,
    ) -> Result<Vec<Post>, DbError> {
        use crate::schema::{follows, list_accounts};
        let members = list_accounts::table
            .filter(list_accounts::list_id.eq(list_id))
            .select(list_accounts::account_id);
        let query = posts::table
            .filter(posts::account_id.eq_any(members))
            .filter(posts::visibility.ne(Visibility::Direct))
            .select(Post::as_select());
        let mut query = crate::page::paged!(query, posts::id, window);
        let not_a_reply = posts::in_reply_to_account_id
            .is_null()
            .or(posts::in_reply_to_account_id.eq(posts::account_id.nullable()))
            .or(posts::in_reply_to_account_id.eq(reader));
        match replies_policy {
            "none" => query = query.filter(not_a_reply),
            "list" => {
                let members = list_accounts::table
                    .filter(list_accounts::list_id.eq(list_id))
                    .select(list_accounts::account_id.nullable());
                query = query.filter(not_a_reply.or(posts::in_reply_to_account_id.eq_any(members)));
            }
            _ => {
                let followed = follows::table
                    .filter(follows::account_id.eq(reader))
                    .filter(follows::accepted.eq(true))
                    .select(follows::target_account_id.nullable());
                query =
                    query.filter(not_a_reply.or(posts::in_reply_to_account_id.eq_any(followed)));
            }
        }
        if !hidden_authors.is_empty() {
            query = query.filter(diesel::dsl::not(
                posts::account_id.eq_any(hidden_authors.to_vec()),
            ));
        }
        Ok(window.finish(query.load(conn)?))
    }

    /// A page of direct posts written by or mentioning `reader`, newest first.
    pub fn direct_page(
        conn: &mut DbConnection,
        reader: i64,
        window: crate::page::Window,
    ) -> Result<Vec<Post>, DbError> {
        let mentioning = post_mentions::table
            .filter(post_mentions::account_id.eq(reader))
            .select(post_mentions::post_id);
        let query = posts::table
            .filter(posts::visibility.eq(Visibility::Direct))
            .filter(
                posts::account_id
                    .eq(reader)
                    .or(posts::id.eq_any(mentioning)),
            )
            .select(Post::as_select());
        let rows = crate::page::paged!(query, posts::id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// A page of the posts `account_id` liked, with the like ids, newest like first.
    pub fn favourited_page(
        conn: &mut DbConnection,
        account_id: i64,
        window: crate::page::Window,
    ) -> Result<Vec<(i64, Post)>, DbError> {
        let query = favourites::table
            .inner_join(posts::table)
            .filter(favourites::account_id.eq(account_id))
            .select((favourites::id, Post::as_select()));
        let rows = crate::page::paged!(query, favourites::id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// A page of the accounts that liked `post_id`, with the like ids, newest first.
    pub fn favouriters_page(
        conn: &mut DbConnection,
        post_id: i64,
        window: crate::page::Window,
    ) -> Result<Vec<(i64, super::Account)>, DbError> {
        use crate::schema::accounts;
        let query = favourites::table
            .inner_join(accounts::table.on(accounts::id.eq(favourites::account_id)))
            .filter(favourites::post_id.eq(post_id))
            .select((favourites::id, super::Account::as_select()));
        let rows = crate::page::paged!(query, favourites::id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// A page of the accounts that boosted `post_id`, with the boost ids, newest first.
    pub fn rebloggers_page(
        conn: &mut DbConnection,
        post_id: i64,
        window: crate::page::Window,
    ) -> Result<Vec<(i64, super::Account)>, DbError> {
        use crate::schema::accounts;
        let query = posts::table
            .inner_join(accounts::table)
            .filter(posts::reblog_of_id.eq(post_id))
            .select((posts::id, super::Account::as_select()));
        let rows = crate::page::paged!(query, posts::id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// Posts by id (unknown ids are left out; no particular order).
    pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<Post>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(posts::table
            .filter(posts::id.eq_any(ids))
            .select(Post::as_select())
            .load(conn)?)
    }

    /// Direct replies of any of `parent_ids`, oldest first.
    pub fn replies_of_many(
        conn: &mut DbConnection,
        parent_ids: &[i64],
        limit: i64,
    ) -> Result<Vec<Post>, DbError> {
        if parent_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(posts::table
            .filter(posts::in_reply_to_id.eq_any(parent_ids))
            .order(posts::id.asc())
            .limit(limit)
            .select(Post::as_select())
            .load(conn)?)
    }

    /// Accounts `viewer` blocks or mutes (unexpired), and accounts that block `viewer`.
    pub fn hidden_authors_for(conn: &mut DbConnection, viewer: i64) -> Result<Vec<i64>, DbError> {
        use crate::schema::{blocks, mutes};
        let now = chrono::Utc::now().naive_utc();
        let mut hidden: Vec<i64> = blocks::table
            .filter(blocks::account_id.eq(viewer))
            .select(blocks::target_account_id)
            .load(conn)?;
        hidden.extend(
            blocks::table
                .filter(blocks::target_account_id.eq(viewer))
                .select(blocks::account_id)
                .load::<i64>(conn)?,
        );
        hidden.extend(
            mutes::table
                .filter(mutes::account_id.eq(viewer))
                .filter(mutes::expires_at.is_null().or(mutes::expires_at.gt(now)))
                .select(mutes::target_account_id)
                .load::<i64>(conn)?,
        );
        hidden.sort_unstable();
        hidden.dedup();
        Ok(hidden)
    }
}
