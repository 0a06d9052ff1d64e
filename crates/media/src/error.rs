//! The errors of this crate: refusing an upload ([`MediaError`]) and failing to store a file
//! ([`StoreError`]).

/// Why an upload is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    /// The file is larger than the limit for its type.
    #[error("the file is {size} bytes, larger than the limit of {limit} bytes for {what}")]
    TooLarge {
        /// The upload's size.
        size: usize,
        /// The limit that applies.
        limit: usize,
        /// `images` or `files`.
        what: &'static str,
    },
    /// The bytes are of a type that is not accepted.
    #[error(
        "this file type is not accepted ({0}); accepted are JPEG, PNG, GIF and WebP images, PDF, office documents, plain text, CSV, MP4, WebM, MP3 and Ogg"
    )]
    NotAccepted(String),
    /// The image claims more pixels than the limit, so it is not decoded.
    #[error("the image is {width}x{height} pixels, more than the limit of {limit} pixels")]
    TooManyPixels {
        /// Claimed width.
        width: u32,
        /// Claimed height.
        height: u32,
        /// The pixel limit.
        limit: u64,
    },
    /// The image could not be decoded or encoded.
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
}

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key contains characters or segments a key may not have.
    #[error("invalid media key {0:?}")]
    InvalidKey(String),
    /// The filesystem failed.
    #[error("media file system error: {0}")]
    Io(#[from] std::io::Error),
    /// The object storage answered with an error or could not be reached.
    #[error("object storage error: {0}")]
    S3(String),
}
