//! Content negotiation: ActivityPub JSON for servers, HTML for browsers.

use axum::http::{HeaderMap, header};

/// Media type of ActivityPub documents.
pub(crate) const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";

/// The representation a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Representation {
    /// `application/activity+json` or `application/ld+json` with the ActivityStreams profile.
    ActivityJson,
    /// A page for a browser.
    Html,
    /// Plain JSON (APIs, or no preference).
    Json,
}

impl Representation {
    /// Picks the representation from the Accept header.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if accept.contains("application/activity+json") || accept.contains("application/ld+json") {
            Representation::ActivityJson
        } else if accept.contains("text/html") {
            Representation::Html
        } else {
            Representation::Json
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, value.parse().unwrap());
        headers
    }

    #[test]
    fn picks_by_accept() {
        assert_eq!(
            Representation::from_headers(&with_accept(
                r#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#
            )),
            Representation::ActivityJson
        );
        assert_eq!(
            Representation::from_headers(&with_accept("text/html,application/xhtml+xml,*/*;q=0.8")),
            Representation::Html
        );
        assert_eq!(
            Representation::from_headers(&HeaderMap::new()),
            Representation::Json
        );
    }
}
