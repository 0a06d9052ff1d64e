//! Downloading one remote file through the guarded client: a 2xx answer, at most the size cap
//! (the declared length is checked before reading, the bytes while reading), and a type
//! sniffed from the bytes.

use reqwest_middleware::ClientWithMiddleware;

use super::sniff::allowed_type;
use crate::error::FederationError;

/// What a client asks the origin for.
const ACCEPT: &str = "image/*, video/*, audio/*, application/pdf;q=0.9, */*;q=0.1";

/// A downloaded file.
pub(crate) struct Downloaded {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The type sniffed from them.
    pub content_type: &'static str,
}

/// Downloads `url`, refusing more than `max_bytes` and types the proxy does not serve.
pub(crate) async fn download(
    client: &ClientWithMiddleware,
    url: &str,
    max_bytes: u64,
) -> Result<Downloaded, FederationError> {
    let too_large = || FederationError::TooLarge(format!("{url} is larger than {max_bytes} bytes"));
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, ACCEPT)
        .send()
        .await
        .map_err(|e| FederationError::Fetch(format!("{url}: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FederationError::Fetch(format!("{url} answered {status}")));
    }
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FederationError::Fetch(format!("{url}: {e}")))?
    {
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let content_type = allowed_type(&bytes).ok_or_else(|| {
        FederationError::NotMedia(format!("{url} is not an image, video, audio or PDF file"))
    })?;
    Ok(Downloaded {
        bytes,
        content_type,
    })
}
