//! How much Trellis keeps of a document from another server. Longer lists keep their first
//! items; longer strings are cut at a character boundary (HTML before it is sanitized, so the
//! sanitizer closes what the cut left open). Every remote object is read through these limits,
//! so one hostile document cannot make a query too large or a timeline page huge.

/// Hashtags kept of a note or article.
pub const MAX_TAGS: usize = 64;
/// Mentions kept of a note or article.
pub const MAX_MENTIONS: usize = 64;
/// Attachments kept of a note or article.
pub const MAX_ATTACHMENTS: usize = 16;
/// Bytes of a hashtag's name.
pub const MAX_TAG_BYTES: usize = 100;
/// Bytes of a URL taken from a remote document (longer ones are dropped, not cut).
pub const MAX_URL_BYTES: usize = 2048;
/// Bytes of a note's HTML `content`.
pub const MAX_CONTENT_BYTES: usize = 100 * 1024;
/// Bytes of an article's HTML `content`.
pub const MAX_ARTICLE_BYTES: usize = 1024 * 1024;
/// Bytes of a `name` (an article's title, an actor's display name, a profile field's label).
pub const MAX_NAME_BYTES: usize = 1024;
/// Bytes of a `summary` (a content warning, an article's summary, an actor's biography).
pub const MAX_SUMMARY_BYTES: usize = 10 * 1024;
/// Bytes of an attachment's description or media type.
pub const MAX_ATTACHMENT_TEXT_BYTES: usize = 1500;
/// Options of a remote poll kept (more are dropped).
pub const MAX_POLL_OPTIONS: usize = 32;
/// Profile fields kept of an actor's `attachment` list.
pub const MAX_PROFILE_FIELDS: usize = 16;
/// Bytes of a profile field's value.
pub const MAX_FIELD_VALUE_BYTES: usize = 2048;
/// Bytes of an actor's `preferredUsername`.
pub const MAX_USERNAME_BYTES: usize = 255;
