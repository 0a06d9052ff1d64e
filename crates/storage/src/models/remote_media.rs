//! `remote_media`: the files of other servers the media proxy fetched, one row per remote URL
//! (the file itself is in the cache folder, named by `cache_key`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::remote_media;
use crate::{DbConnection, DbError, per_backend};

/// A cached remote file.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = remote_media)]
pub struct RemoteMedia {
    /// Row id.
    pub id: i64,
    /// The remote URL.
    pub url: String,
    /// The file's name in the cache folder.
    pub cache_key: String,
    /// The media type sniffed from the bytes.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// When it was fetched from the origin.
    pub fetched_at: NaiveDateTime,
    /// When a reader last loaded it (updated at most once per [`RemoteMedia::TOUCH_EVERY`]).
    pub last_used_at: NaiveDateTime,
}

impl RemoteMedia {
    /// How stale `last_used_at` may get before a read updates it (one write per file and
    /// hour, not one per read).
    pub const TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::hours(1);

    /// The cached file of `url`, if any.
    pub fn find(conn: &mut DbConnection, url: &str) -> Result<Option<RemoteMedia>, DbError> {
        Ok(remote_media::table
            .filter(remote_media::url.eq(url))
            .select(RemoteMedia::as_select())
            .first(conn)
            .optional()?)
    }

    /// Records a fetched file, replacing an earlier fetch of the same URL.
    pub fn upsert(conn: &mut DbConnection, row: &RemoteMedia) -> Result<(), DbError> {
        per_backend!(conn, |c| diesel::insert_into(remote_media::table)
            .values(row)
            .on_conflict(remote_media::url)
            .do_update()
            .set((
                remote_media::cache_key.eq(&row.cache_key),
                remote_media::content_type.eq(&row.content_type),
                remote_media::size.eq(row.size),
                remote_media::fetched_at.eq(row.fetched_at),
                remote_media::last_used_at.eq(row.last_used_at),
            ))
            .execute(c))?;
        Ok(())
    }

    /// Records that a reader loaded the file now.
    pub fn touch(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
        diesel::update(remote_media::table.find(id))
            .set(remote_media::last_used_at.eq(now))
            .execute(conn)?;
        Ok(())
    }

    /// At most `limit` files fetched before `before`, oldest first.
    pub fn fetched_before(
        conn: &mut DbConnection,
        before: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<RemoteMedia>, DbError> {
        Ok(remote_media::table
            .filter(remote_media::fetched_at.lt(before))
            .order(remote_media::fetched_at.asc())
            .limit(limit)
            .select(RemoteMedia::as_select())
            .load(conn)?)
    }

    /// Forgets the rows `ids` unless they were fetched again since `before`; returns how
    /// many were forgotten.
    pub fn delete_fetched_before(
        conn: &mut DbConnection,
        ids: &[i64],
        before: NaiveDateTime,
    ) -> Result<usize, DbError> {
        Ok(diesel::delete(
            remote_media::table
                .filter(remote_media::id.eq_any(ids))
                .filter(remote_media::fetched_at.lt(before)),
        )
        .execute(conn)?)
    }
}
