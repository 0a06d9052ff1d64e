//! Trellis content: pure text work, no storage and no network.
//!
//! User content: sanitizing HTML that arrives from other servers, rendering text written here.
//!
//! - [`sanitize_remote_html`] / [`sanitize_article_html`]: HTML from elsewhere -> HTML safe to
//!   show (allow-lists on `ammonia`).
//! - [`render_markdown`]: Markdown written here (articles) -> sanitized HTML.
//! - [`html_to_plain_text`]: HTML -> plain text for summaries and notifications.
//! - [`article_search_text`]: article HTML -> the plain text full-text search indexes (image
//!   `alt` text included).
//! - [`render_local_text`]: plain text written on this instance -> HTML in Mastodon's markup,
//!   with links, mentions and hashtags. Call [`extract_mentions`] first, resolve the mentions
//!   (webfinger may be asynchronous), then render with a resolver holding the results.

mod markdown;
mod render;
mod sanitize;
mod search_text;
mod tags;
pub mod text;

#[cfg(any(test, feature = "html-check"))]
pub mod html_check;
#[cfg(test)]
mod proptests;

pub use markdown::render_markdown;
pub use render::{MentionResolver, Rendered, ResolvedMention, render_local_text};
pub use sanitize::{html_to_plain_text, sanitize_article_html, sanitize_remote_html};
pub use search_text::article_search_text;
pub use tags::{MentionRef, extract_hashtags, extract_mentions};
