//! Storage keys: random (so a private post's files cannot be guessed), spread over 256
//! folders, ending in the file's extension.

use rand::RngCore;

use crate::sniff::FileType;

/// A fresh key for a file of `file_type`: `ab/ab12...ef.jpg` (128 random bits).
pub fn new_key(file_type: FileType) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}/{hex}.{}", &hex[..2], file_type.extension())
}

/// The key of the thumbnail that belongs to `original_key`.
pub fn thumbnail_key(original_key: &str) -> String {
    match original_key.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-small.{extension}"),
        None => format!("{original_key}-small"),
    }
}

/// Whether `key` is one this crate could have made: lower-case letters, digits, `-`, `_`,
/// `.` and `/`-separated segments, none empty or starting with a dot.
pub fn is_valid(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
                })
        })
}

/// The type a key's extension names.
pub fn file_type_of(key: &str) -> Option<FileType> {
    key.rsplit_once('.')
        .and_then(|(_, extension)| FileType::from_extension(extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_safe() {
        let a = new_key(FileType::Jpeg);
        assert_ne!(a, new_key(FileType::Jpeg));
        assert!(is_valid(&a) && is_valid(&thumbnail_key(&a)), "{a}");
        assert_eq!(file_type_of(&a), Some(FileType::Jpeg));
        for bad in [
            "",
            "../etc/passwd",
            "a//b",
            "/abs",
            "a/.hidden",
            "A.jpg",
            "a\\b",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
