//! A person's data export as a zip download, for the Trellis API and the web's export page
//! (the files come from `services::export`).

use std::io::Write;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use zip::write::SimpleFileOptions;

use crate::error::HttpError;
use trellis_domain::services::audit::Acting;
use trellis_domain::services::export::{self, ExportFile};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// The archive of `account` as an `application/zip` attachment named after the person and
/// the day.
pub(crate) async fn download(
    state: &AppState,
    acting: &Acting,
    account: &Account,
) -> Result<Response, HttpError> {
    let files = export::archive(state, acting, account).await?;
    let bytes = tokio::task::spawn_blocking(move || zip_files(&files))
        .await
        .map_err(|e| HttpError::internal(format!("writing the archive: {e}")))?
        .map_err(|e| HttpError::internal(format!("writing the archive: {e}")))?;
    let name = format!(
        "attachment; filename=\"trellis-{}-{}.zip\"",
        account.username,
        chrono::Utc::now().format("%Y%m%d")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The files as one deflated zip.
fn zip_files(files: &[ExportFile]) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for file in files {
        archive.start_file(file.name, options)?;
        archive.write_all(&file.content)?;
    }
    Ok(archive.finish()?.into_inner())
}
