//! `media_attachments`: uploaded files, unattached until a status takes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::media_attachments;
use crate::{DbConnection, DbError};

/// An uploaded file and what is known of it.
#[derive(Clone, Debug, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = media_attachments)]
pub struct MediaAttachment {
    /// Row id (also the client API id).
    pub id: i64,
    /// Who uploaded it.
    pub account_id: i64,
    /// The status it is attached to; `None` while unattached.
    pub post_id: Option<i64>,
    /// `image`, `video`, `audio` or `unknown`.
    pub kind: String,
    /// The MIME type of the stored file.
    pub content_type: String,
    /// Storage key of the file.
    pub file_key: String,
    /// Storage key of the thumbnail of an image.
    pub thumbnail_key: Option<String>,
    /// Size of the stored file in bytes.
    pub file_size: i64,
    /// Width of an image.
    pub width: Option<i32>,
    /// Height of an image.
    pub height: Option<i32>,
    /// Width of the thumbnail.
    pub small_width: Option<i32>,
    /// Height of the thumbnail.
    pub small_height: Option<i32>,
    /// Blurhash of an image.
    pub blurhash: Option<String>,
    /// The alt text.
    pub description: String,
    /// Focal point, x in -1.0..=1.0.
    pub focus_x: f32,
    /// Focal point, y in -1.0..=1.0.
    pub focus_y: f32,
    /// When it was uploaded.
    pub created_at: NaiveDateTime,
}

impl MediaAttachment {
    /// Stores a new upload.
    pub fn insert(conn: &mut DbConnection, row: &MediaAttachment) -> Result<(), DbError> {
        diesel::insert_into(media_attachments::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// The upload with `id`.
    pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<MediaAttachment>, DbError> {
        Ok(media_attachments::table
            .find(id)
            .select(MediaAttachment::as_select())
            .first(conn)
            .optional()?)
    }

    /// The uploads with `ids` (in no particular order).
    pub fn find_many(
        conn: &mut DbConnection,
        ids: &[i64],
    ) -> Result<Vec<MediaAttachment>, DbError> {
        Ok(media_attachments::table
            .filter(media_attachments::id.eq_any(ids))
            .select(MediaAttachment::as_select())
            .load(conn)?)
    }

    /// The attachments of `post_ids`, in upload order.
    pub fn of_posts(
        conn: &mut DbConnection,
        post_ids: &[i64],
    ) -> Result<Vec<MediaAttachment>, DbError> {
        Ok(media_attachments::table
            .filter(media_attachments::post_id.eq_any(post_ids))
            .order(media_attachments::id.asc())
            .select(MediaAttachment::as_select())
            .load(conn)?)
    }

    /// Every upload of `account_id`.
    pub fn of_account(
        conn: &mut DbConnection,
        account_id: i64,
    ) -> Result<Vec<MediaAttachment>, DbError> {
        Ok(media_attachments::table
            .filter(media_attachments::account_id.eq(account_id))
            .select(MediaAttachment::as_select())
            .load(conn)?)
    }

    /// Uploads never attached that are older than `before`, at most `limit`.
    pub fn unattached_before(
        conn: &mut DbConnection,
        before: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<MediaAttachment>, DbError> {
        Ok(media_attachments::table
            .filter(media_attachments::post_id.is_null())
            .filter(media_attachments::created_at.lt(before))
            .order(media_attachments::created_at.asc())
            .limit(limit)
            .select(MediaAttachment::as_select())
            .load(conn)?)
    }

    /// Sets the alt text and focal point.
    pub fn update_description(
        conn: &mut DbConnection,
        id: i64,
        description: &str,
        focus: (f32, f32),
    ) -> Result<(), DbError> {
        diesel::update(media_attachments::table.find(id))
            .set((
                media_attachments::description.eq(description),
                media_attachments::focus_x.eq(focus.0),
                media_attachments::focus_y.eq(focus.1),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Makes `ids` the attachments of `post_id`: others it had are detached (left to the
    /// cleanup of unattached uploads).
    pub fn attach(conn: &mut DbConnection, post_id: i64, ids: &[i64]) -> Result<(), DbError> {
        diesel::update(
            media_attachments::table
                .filter(media_attachments::post_id.eq(post_id))
                .filter(media_attachments::id.ne_all(ids)),
        )
        .set(media_attachments::post_id.eq(None::<i64>))
        .execute(conn)?;
        diesel::update(media_attachments::table.filter(media_attachments::id.eq_any(ids)))
            .set(media_attachments::post_id.eq(Some(post_id)))
            .execute(conn)?;
        Ok(())
    }

    /// Removes the rows with `ids`.
    pub fn delete_many(conn: &mut DbConnection, ids: &[i64]) -> Result<(), DbError> {
        diesel::delete(media_attachments::table.filter(media_attachments::id.eq_any(ids)))
            .execute(conn)?;
        Ok(())
    }
}
