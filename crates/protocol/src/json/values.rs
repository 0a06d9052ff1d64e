//! What Trellis keeps of the values in other servers' documents: strings cut to a limit, only
//! web URLs, and origins compared.

use url::Url;

/// `text` cut to at most `max` bytes, at a character boundary.
pub fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// An owned string cut to at most `max` bytes, at a character boundary.
pub fn truncated(text: &str, max: usize) -> String {
    truncate(text, max).to_string()
}

/// `text` if it is an absolute `http` or `https` URL with a host, at most
/// [`MAX_URL_BYTES`](super::limits::MAX_URL_BYTES) long. Every URL Trellis keeps from a remote
/// document goes through here, so `javascript:`, `data:` and other schemes never reach a page
/// or a client.
pub fn web_url(text: &str) -> Option<String> {
    if text.len() > super::limits::MAX_URL_BYTES {
        return None;
    }
    let url = Url::parse(text).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

/// True when both URLs have the same scheme, host and port (the default port counts).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_are_kept() {
        assert_eq!(
            web_url("https://a.example/x").as_deref(),
            Some("https://a.example/x")
        );
        for bad in [
            "javascript:alert(document.cookie)//",
            "JavaScript:alert(1)",
            "data:text/html,<script>x</script>",
            "vbscript:x",
            "/relative",
            "mailto:a@b.example",
            "https://",
        ] {
            assert_eq!(web_url(bad), None, "{bad}");
        }
        let long = format!("https://a.example/{}", "a".repeat(3000));
        assert_eq!(web_url(&long), None);
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://a.example/users/x"),
            &u("https://a.example:443/inbox")
        ));
        assert!(!same_origin(
            &u("http://localhost:1/u"),
            &u("http://localhost:2/inbox")
        ));
        assert!(!same_origin(
            &u("https://a.example/u"),
            &u("http://a.example/inbox")
        ));
        assert!(!same_origin(
            &u("http://localhost:1/u"),
            &u("http://127.0.0.1:1/inbox")
        ));
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
