//! Media uploads: accepting a file (its type from the bytes, images cleaned and scaled),
//! storing it, describing it, attaching it to a status, and removing files when their rows
//! go (a deleted upload, post or account, or an upload never attached).

use chrono::Duration;
use trellis_media::{Limits, MediaError, MediaKind, Processed, keys};
use trellis_storage::DbError;
use trellis_storage::models::media_attachment::MediaAttachment;

use super::ServiceError;
use crate::outbound::delivery::now;
use crate::state::AppState;

/// Most attachments on one status.
pub const MAX_ATTACHMENTS: usize = 4;
/// Longest alt text, in characters (Mastodon's limit).
pub const MAX_DESCRIPTION_CHARS: usize = 1500;
/// Unattached uploads removed per cleanup run.
const CLEANUP_BATCH: i64 = 500;

/// What an uploader says about a file.
#[derive(Clone, Debug, Default)]
pub struct MediaDetails {
    /// Alt text.
    pub description: Option<String>,
    /// Focal point, `"x,y"` with both in -1.0..=1.0.
    pub focus: Option<String>,
}

fn refused(err: MediaError) -> ServiceError {
    match err {
        MediaError::TooLarge { .. } => ServiceError::TooLarge(err.to_string()),
        _ => ServiceError::invalid("file", err.to_string()),
    }
}

fn store_failed(err: trellis_media::StoreError) -> ServiceError {
    ServiceError::Internal(err.to_string())
}

/// The focal point of `text` (`"x,y"`), or the centre.
fn parse_focus(text: Option<&str>) -> Result<(f32, f32), ServiceError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok((0.0, 0.0));
    };
    let parsed = text.split_once(',').and_then(|(x, y)| {
        let x = x.trim().parse::<f32>().ok()?;
        let y = y.trim().parse::<f32>().ok()?;
        ((-1.0..=1.0).contains(&x) && (-1.0..=1.0).contains(&y)).then_some((x, y))
    });
    parsed.ok_or_else(|| ServiceError::invalid("focus", "must be two numbers x,y from -1.0 to 1.0"))
}

fn checked_description(text: Option<&str>) -> Result<Option<String>, ServiceError> {
    match text {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(ServiceError::invalid(
            "description",
            format!("is longer than {MAX_DESCRIPTION_CHARS} characters"),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

/// Accepts an upload of `account_id`: checks and processes it, stores its files and records
/// it, unattached.
pub async fn upload(
    state: &AppState,
    account_id: i64,
    bytes: Vec<u8>,
    file_name: Option<String>,
    details: MediaDetails,
) -> Result<MediaAttachment, ServiceError> {
    let description = checked_description(details.description.as_deref())?.unwrap_or_default();
    let focus = parse_focus(details.focus.as_deref())?;
    let limits = Limits::from_settings(&state.config().media);
    let processed: Processed = tokio::task::spawn_blocking(move || {
        trellis_media::process(&bytes, file_name.as_deref(), &limits)
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
    .map_err(refused)?;

    let file_type = processed.original.file_type;
    let file_key = keys::new_key(file_type);
    let thumbnail_key = processed
        .thumbnail
        .as_ref()
        .map(|_| keys::thumbnail_key(&file_key));
    let store = state.media();
    let file_size = processed.original.bytes.len() as i64;
    store
        .put(
            &file_key,
            processed.original.bytes.into(),
            file_type.content_type(),
        )
        .await
        .map_err(store_failed)?;
    if let (Some(key), Some(thumbnail)) = (&thumbnail_key, processed.thumbnail) {
        store
            .put(
                key,
                thumbnail.bytes.into(),
                thumbnail.file_type.content_type(),
            )
            .await
            .map_err(store_failed)?;
    }
    let image = processed.image;
    let row = MediaAttachment {
        id: state.ids().next_id(),
        account_id,
        post_id: None,
        kind: processed.kind.as_str().to_string(),
        content_type: file_type.content_type().to_string(),
        file_key,
        thumbnail_key,
        file_size,
        width: image.as_ref().map(|m| m.width as i32),
        height: image.as_ref().map(|m| m.height as i32),
        small_width: image.as_ref().map(|m| m.small_width as i32),
        small_height: image.as_ref().map(|m| m.small_height as i32),
        blurhash: image.and_then(|m| m.blurhash),
        description,
        focus_x: focus.0,
        focus_y: focus.1,
        created_at: now(),
    };
    let stored = row.clone();
    state
        .db()
        .write(move |conn| MediaAttachment::insert(conn, &stored))
        .await?;
    Ok(row)
}

/// The upload `id` of `account_id`; 404 for anyone else's.
pub async fn own(
    state: &AppState,
    account_id: i64,
    id: i64,
) -> Result<MediaAttachment, ServiceError> {
    state
        .db()
        .read(move |conn| MediaAttachment::find(conn, id))
        .await?
        .filter(|m| m.account_id == account_id)
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// Changes the alt text and focal point of an upload of `account_id`.
pub async fn describe(
    state: &AppState,
    account_id: i64,
    id: i64,
    details: MediaDetails,
) -> Result<MediaAttachment, ServiceError> {
    let mut media = own(state, account_id, id).await?;
    if let Some(description) = checked_description(details.description.as_deref())? {
        media.description = description;
    }
    if details.focus.is_some() {
        (media.focus_x, media.focus_y) = parse_focus(details.focus.as_deref())?;
    }
    let (description, focus) = (media.description.clone(), (media.focus_x, media.focus_y));
    state
        .db()
        .write(move |conn| MediaAttachment::update_description(conn, id, &description, focus))
        .await?;
    Ok(media)
}

/// Deletes an upload of `account_id` that is not attached to a status, and its files.
pub async fn delete(state: &AppState, account_id: i64, id: i64) -> Result<(), ServiceError> {
    let media = own(state, account_id, id).await?;
    if media.post_id.is_some() {
        return Err(ServiceError::invalid(
            "media",
            "is attached to a status and cannot be deleted",
        ));
    }
    state
        .db()
        .write(move |conn| MediaAttachment::delete_many(conn, &[id]))
        .await?;
    remove_files(state, &[media]).await;
    Ok(())
}

/// Checks that `ids` (at most four) are uploads of `account_id` not attached to another
/// status than `post_id`; gives them back in the order asked. Run inside the transaction
/// that attaches them.
pub fn check_attachable(
    conn: &mut trellis_storage::DbConnection,
    account_id: i64,
    post_id: Option<i64>,
    ids: &[i64],
) -> Result<Result<Vec<i64>, ServiceError>, DbError> {
    if ids.len() > MAX_ATTACHMENTS {
        return Ok(Err(ServiceError::invalid(
            "media_ids",
            format!("may hold at most {MAX_ATTACHMENTS} attachments"),
        )));
    }
    let mut unique = ids.to_vec();
    unique.dedup();
    let found = MediaAttachment::find_many(conn, &unique)?;
    let usable = |id: &i64| {
        found.iter().any(|m| {
            m.id == *id
                && m.account_id == account_id
                && (m.post_id.is_none() || m.post_id == post_id)
        })
    };
    if !unique.iter().all(usable) {
        return Ok(Err(ServiceError::invalid(
            "media_ids",
            "name media that are not yours or are attached to another status",
        )));
    }
    Ok(Ok(unique))
}

/// Removes the stored files of `media` (failures are logged: the rows are gone already).
pub async fn remove_files(state: &AppState, media: &[MediaAttachment]) {
    for item in media {
        for key in std::iter::once(&item.file_key).chain(item.thumbnail_key.as_ref()) {
            if let Err(e) = state.media().delete(key).await {
                tracing::warn!(key, error = %e, "could not remove a media file");
            }
        }
    }
}

/// Removes the rows and files of uploads never attached within the configured time; returns
/// how many went.
pub async fn remove_unattached(state: &AppState) -> Result<usize, ServiceError> {
    let max_age = state.config().media.unattached_max_age;
    let before = now() - Duration::from_std(max_age).unwrap_or(Duration::hours(24));
    let old = state
        .db()
        .write(move |conn| {
            let rows = MediaAttachment::unattached_before(conn, before, CLEANUP_BATCH)?;
            let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
            MediaAttachment::delete_many(conn, &ids)?;
            Ok(rows)
        })
        .await?;
    remove_files(state, &old).await;
    Ok(old.len())
}

/// The attachment type of a stored row.
pub fn kind_of(media: &MediaAttachment) -> MediaKind {
    MediaKind::parse(&media.kind)
}
