//! The media types the proxy serves, taken from a file's first bytes, never from the name or
//! the origin's `Content-Type`.

/// Types served inline: images, video and audio browsers play (no SVG, which runs scripts).
const MEDIA: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/heic",
    "image/heif",
    "image/bmp",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/x-m4v",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/x-flac",
    "audio/m4a",
    "audio/aac",
    "audio/opus",
];

/// Documents served as downloads (`Content-Disposition: attachment`).
const DOCUMENTS: &[&str] = &["application/pdf"];

/// The type of `bytes` when the proxy serves it: a media type or an allowed document.
pub(crate) fn allowed_type(bytes: &[u8]) -> Option<&'static str> {
    let found = infer::get(bytes)?.mime_type();
    MEDIA
        .iter()
        .chain(DOCUMENTS)
        .find(|allowed| **allowed == found)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        assert_eq!(allowed_type(png), Some("image/png"));
        assert_eq!(
            allowed_type(b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
            Some("image/jpeg")
        );
        assert_eq!(allowed_type(b"%PDF-1.7\n"), Some("application/pdf"));
        for refused in [
            &b"<!DOCTYPE html><html><script>alert(1)</script>"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
            b"MZ\x90\0\x03\0\0\0",
            b"",
        ] {
            assert_eq!(allowed_type(refused), None);
        }
    }
}
