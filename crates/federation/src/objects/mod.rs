//! activitypub_federation `Object` implementations: how stored rows are fetched, verified,
//! stored and turned into JSON.

pub(crate) mod article;
pub(crate) mod note;
pub(crate) mod person;
pub(crate) mod poll;

#[cfg(test)]
mod proptests;

use trellis_protocol::json::values::web_url;
use trellis_protocol::{Many, Reference};

/// The first of `urls` that is a web URL (see [`web_url`]).
fn first_web_url(urls: &Many<Reference>) -> Option<String> {
    urls.iter().find_map(|url| web_url(url.as_str()))
}
