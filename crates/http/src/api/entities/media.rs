//! The MediaAttachment entity: of uploads (served by the instance or the object storage's
//! public address) and of remote attachments (the links stored with a remote post).

use serde_json::{Value, json};
use trellis_domain::state::AppState;
use trellis_storage::models::media_attachment::MediaAttachment;

/// Where readers load the stored file `key`.
pub(crate) fn file_url(state: &AppState, key: &str) -> String {
    match state.media().public_url(key) {
        Some(url) => url.to_string(),
        None => state.urls().at(&format!("/media/{key}")),
    }
}

fn dimensions(width: Option<i32>, height: Option<i32>, size: Option<i64>) -> Option<Value> {
    let (w, h) = (width?, height?);
    let mut value = json!({
        "width": w,
        "height": h,
        "size": format!("{w}x{h}"),
        "aspect": if h > 0 { f64::from(w) / f64::from(h) } else { 1.0 },
    });
    if let Some(bytes) = size {
        value["file_size"] = json!(bytes);
    }
    Some(value)
}

/// `MediaAttachment` of an upload.
pub(crate) fn upload_entity(state: &AppState, media: &MediaAttachment) -> Value {
    let url = file_url(state, &media.file_key);
    let preview = media
        .thumbnail_key
        .as_deref()
        .map(|key| file_url(state, key))
        .unwrap_or_else(|| url.clone());
    let mut meta = json!({ "focus": { "x": media.focus_x, "y": media.focus_y } });
    if let Some(original) = dimensions(media.width, media.height, Some(media.file_size)) {
        meta["original"] = original;
    }
    if let Some(small) = dimensions(media.small_width, media.small_height, None) {
        meta["small"] = small;
    }
    json!({
        "id": media.id.to_string(),
        "type": media.kind,
        "url": url,
        "preview_url": preview,
        "remote_url": null,
        "preview_remote_url": null,
        "text_url": null,
        "meta": meta,
        "description": (!media.description.is_empty()).then_some(&media.description),
        "blurhash": media.blurhash,
    })
}

/// `MediaAttachment` entities from the attachment links stored with a remote post.
pub(crate) fn remote_entities(state: &AppState, post_id: i64, stored: &str) -> Vec<Value> {
    let items: Vec<Value> = serde_json::from_str(stored).unwrap_or_default();
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let url = item.get("url")?.as_str()?;
            let media_type = item.get("media_type").and_then(Value::as_str).unwrap_or("");
            let kind = match media_type.split('/').next() {
                Some("image") if media_type == "image/gif" => "gifv",
                Some("image") => "image",
                Some("video") => "video",
                Some("audio") => "audio",
                _ => "unknown",
            };
            let width = item.get("width").and_then(Value::as_i64).map(|w| w as i32);
            let height = item.get("height").and_then(Value::as_i64).map(|h| h as i32);
            let meta = dimensions(width, height, None)
                .map(|original| json!({ "original": original }))
                .unwrap_or_else(|| json!({}));
            Some(json!({
                "id": format!("{post_id}{i:02}"),
                "type": kind,
                "url": state.proxied_url(url),
                "preview_url": state.proxied_url(url),
                "remote_url": url,
                "preview_remote_url": null,
                "text_url": null,
                "meta": meta,
                "description": item.get("name").and_then(Value::as_str),
                "blurhash": item.get("blurhash").and_then(Value::as_str),
            }))
        })
        .collect()
}
