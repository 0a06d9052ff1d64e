//! Who may see a post and whose home feed it reaches: the rule every reader goes through
//! (pages, API, streams, federation fetches) and the fan-out on write.

use std::collections::{BTreeSet, HashMap, HashSet};

use diesel::prelude::*;

use trellis_storage::models::post::{PostAudience, Visibility};
use trellis_storage::models::{Follow, Post, account_moderation, feed};
use trellis_storage::schema::{accounts, follows, post_mentions};
use trellis_storage::{Database, DbConnection, DbError};

use super::ServiceError;

/// True when `viewer` (an account id, or nobody) may see `post`. A department-only post
/// (`local_only`) is seen only by people of this instance, and by them as its visibility says.
/// Nobody sees the posts of a suspended account.
pub fn can_see(conn: &mut DbConnection, post: &Post, viewer: Option<i64>) -> Result<bool, DbError> {
    if !account_moderation::suspended_among(conn, &[post.account_id])?.is_empty() {
        return Ok(false);
    }
    if post.local_only {
        let Some(viewer) = viewer else {
            return Ok(false);
        };
        if !is_local_person(conn, viewer)? {
            return Ok(false);
        }
    }
    let visibility = post.visibility;
    if visibility.is_world_readable() {
        return Ok(true);
    }
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if viewer == post.account_id {
        return Ok(true);
    }
    let mentioned: i64 = post_mentions::table
        .filter(post_mentions::post_id.eq(post.id))
        .filter(post_mentions::account_id.eq(viewer))
        .count()
        .get_result(conn)?;
    if mentioned > 0 {
        return Ok(true);
    }
    Ok(visibility == Visibility::Private && Follow::is_following(conn, viewer, post.account_id)?)
}

/// True when `account` is a person of this instance (not a remote actor).
fn is_local_person(conn: &mut DbConnection, account: i64) -> Result<bool, DbError> {
    Ok(!local_people(conn, &[account])?.is_empty())
}

/// The accounts among `ids` that belong to this instance.
fn local_people(conn: &mut DbConnection, ids: &[i64]) -> Result<HashSet<i64>, DbError> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .filter(accounts::domain.is_null())
        .select(accounts::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect())
}

/// True when `post` may be shown to anyone, signed in or not, on any server: world-readable
/// and not department-only.
pub(crate) fn is_open_to_all(post: &Post) -> bool {
    post.visibility.is_world_readable() && !post.local_only
}

/// True when `viewer` may see `post` and, for a boost, the boosted post too: a boost shows
/// its original, so it is hidden wherever the original is (a boost whose original is gone is
/// hidden as well).
pub(crate) fn can_see_with_original(
    conn: &mut DbConnection,
    post: &Post,
    viewer: Option<i64>,
) -> Result<bool, DbError> {
    if !can_see(conn, post, viewer)? {
        return Ok(false);
    }
    match post.reblog_of_id {
        None => Ok(true),
        Some(original) => match Post::find(conn, original)? {
            Some(original) => can_see(conn, &original, viewer),
            None => Ok(false),
        },
    }
}

/// Succeeds when `viewer` may see `post` (and, for a boost, its original); a hidden post is
/// reported as missing (404), so its existence is not revealed.
pub async fn ensure_visible(
    db: &Database,
    post: &Post,
    viewer: Option<i64>,
) -> Result<(), ServiceError> {
    let probe = post.clone();
    if db
        .read(move |conn| can_see_with_original(conn, &probe, viewer))
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::NotFound("no such post".into()))
    }
}

/// The posts of `list` that `viewer` may see, in order: the rule of [`can_see`] for a whole
/// page, in at most two queries (see [`visible_pairs`]).
pub fn visible_posts(
    conn: &mut DbConnection,
    list: Vec<Post>,
    viewer: Option<i64>,
) -> Result<Vec<Post>, DbError> {
    let Some(viewer) = viewer else {
        let authors: Vec<i64> = list.iter().map(|p| p.account_id).collect();
        let suspended: HashSet<i64> = account_moderation::suspended_among(conn, &authors)?
            .into_iter()
            .collect();
        return Ok(list
            .into_iter()
            .filter(|p| is_open_to_all(p) && !suspended.contains(&p.account_id))
            .collect());
    };
    let pairs: Vec<(i64, i64)> = list.iter().map(|p| (p.id, viewer)).collect();
    let visible = visible_pairs(conn, &list, &pairs)?;
    Ok(list
        .into_iter()
        .filter(|p| visible.contains(&(p.id, viewer)))
        .collect())
}

/// The (post, viewer) pairs where the viewer may see the post, by the rule of
/// [`can_see`], in at most four queries.
pub(crate) fn visible_pairs(
    conn: &mut DbConnection,
    loaded: &[Post],
    pairs: &[(i64, i64)],
) -> Result<HashSet<(i64, i64)>, DbError> {
    let authors: Vec<i64> = loaded.iter().map(|p| p.account_id).collect();
    let suspended: HashSet<i64> = account_moderation::suspended_among(conn, &authors)?
        .into_iter()
        .collect();
    let by_id: HashMap<i64, &Post> = loaded
        .iter()
        .filter(|p| !suspended.contains(&p.account_id))
        .map(|p| (p.id, p))
        .collect();
    let department_viewers: Vec<i64> = pairs
        .iter()
        .filter(|(post_id, _)| by_id.get(post_id).is_some_and(|p| p.local_only))
        .map(|(_, viewer)| *viewer)
        .collect();
    let locals = local_people(conn, &department_viewers)?;
    let mut visible = HashSet::new();
    let mut undecided: Vec<(i64, i64)> = Vec::new();
    for &(post_id, viewer) in pairs {
        let Some(post) = by_id.get(&post_id) else {
            continue;
        };
        if post.local_only && !locals.contains(&viewer) {
            continue;
        }
        if post.visibility.is_world_readable() || post.account_id == viewer {
            visible.insert((post_id, viewer));
        } else {
            undecided.push((post_id, viewer));
        }
    }
    if undecided.is_empty() {
        return Ok(visible);
    }
    let undecided_posts: Vec<i64> = undecided.iter().map(|(p, _)| *p).collect();
    let viewers: Vec<i64> = undecided.iter().map(|(_, v)| *v).collect();
    let mentioned: HashSet<(i64, i64)> = post_mentions::table
        .filter(post_mentions::post_id.eq_any(&undecided_posts))
        .filter(post_mentions::account_id.eq_any(&viewers))
        .select((post_mentions::post_id, post_mentions::account_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let authors: Vec<i64> = undecided
        .iter()
        .filter_map(|(p, _)| by_id.get(p).map(|post| post.account_id))
        .collect();
    let following: HashSet<(i64, i64)> = follows::table
        .filter(follows::account_id.eq_any(&viewers))
        .filter(follows::target_account_id.eq_any(&authors))
        .filter(follows::accepted.eq(true))
        .select((follows::account_id, follows::target_account_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    for (post_id, viewer) in undecided {
        let Some(post) = by_id.get(&post_id) else {
            continue;
        };
        let followers_only = post.visibility == Visibility::Private;
        if mentioned.contains(&(post_id, viewer))
            || (followers_only && following.contains(&(viewer, post.account_id)))
        {
            visible.insert((post_id, viewer));
        }
    }
    Ok(visible)
}

/// What other servers may be shown of an account (its outbox): public and unlisted posts, and
/// boosts of them, never department-only ones.
pub const SERVED_TO_OTHER_SERVERS: PostAudience = PostAudience {
    visibilities: &[Visibility::Public, Visibility::Unlisted],
    department_only: false,
};

/// Posts copied into a new follower's feed when a follow is accepted.
const BACKFILL: i64 = 40;

/// What a follower sees of the accounts they follow (direct posts only reach the mentioned).
const FOLLOWERS_SEE: [Visibility; 3] = [
    Visibility::Public,
    Visibility::Unlisted,
    Visibility::Private,
];

/// The local readers whose home feed `post` reaches: the author (or booster) if local, local
/// followers (not for direct posts), and mentioned local accounts; never a reader who blocks
/// or mutes the author (or the boosted post's author), and for a boost never a reader whose
/// feed already shows the post or a boost of it (as Mastodon does).
pub fn feed_readers(conn: &mut DbConnection, post: &Post) -> Result<Vec<i64>, DbError> {
    let mut readers: BTreeSet<i64> = BTreeSet::new();
    // A post written (or boosted) here is by a local account: no query needed.
    if post.local {
        readers.insert(post.account_id);
    }
    if FOLLOWERS_SEE.contains(&post.visibility) {
        readers.extend(feed::local_followers(conn, post.account_id)?);
    }
    if post.reblog_of_id.is_none() {
        readers.extend(feed::local_mentioned(conn, post.id)?);
    }
    let mut silenced = feed::silencers(conn, post.account_id)?;
    if let Some(original) = post.reblog_of_id {
        if let Some(original) = Post::find(conn, original)? {
            silenced.extend(feed::silencers(conn, original.account_id)?);
        }
        silenced.extend(feed::already_showing(conn, &readers, original)?);
    }
    Ok(readers
        .into_iter()
        .filter(|reader| !silenced.contains(reader) || *reader == post.account_id)
        .collect())
}

/// Adds `post` to the home feeds of its readers ([`feed_readers`]).
pub(crate) fn fan_out(conn: &mut DbConnection, post: &Post) -> Result<usize, DbError> {
    let readers = feed_readers(conn, post)?;
    feed::insert(conn, post, &readers)
}

/// Copies the latest posts and boosts of `target` that a follower sees into `reader`'s feed
/// (after a follow is accepted).
pub fn backfill(conn: &mut DbConnection, reader: i64, target: i64) -> Result<usize, DbError> {
    feed::backfill(conn, reader, target, &FOLLOWERS_SEE, BACKFILL)
}
