//! Reading request cookies and writing `Set-Cookie` values, for the sign-in pages.

use axum::http::{HeaderMap, HeaderValue, header};

/// The value of cookie `name` in a request (the first one, if sent more than once).
pub(crate) fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|value| !value.is_empty())
}

/// A cookie to set: always `HttpOnly`, `Secure` when the instance is served over https.
pub(crate) struct SetCookie<'a> {
    /// Cookie name.
    pub name: &'a str,
    /// Cookie value (base64url, so it needs no quoting).
    pub value: &'a str,
    /// The paths it is sent to.
    pub path: &'a str,
    /// `Lax` or `Strict`.
    pub same_site: &'a str,
    /// Lifetime in seconds; 0 deletes the cookie.
    pub max_age: i64,
    /// Whether to add `Secure`.
    pub secure: bool,
}

impl SetCookie<'_> {
    /// The `Set-Cookie` header value.
    pub(crate) fn header(&self) -> HeaderValue {
        let mut text = format!(
            "{}={}; Path={}; Max-Age={}; HttpOnly; SameSite={}",
            self.name,
            self.value,
            self.path,
            self.max_age.max(0),
            self.same_site
        );
        if self.secure {
            text.push_str("; Secure");
        }
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; session=abc; b=2".parse().unwrap());
        assert_eq!(read(&headers, "session"), Some("abc"));
        assert_eq!(read(&headers, "missing"), None);
    }

    #[test]
    fn writes_the_attributes() {
        let cookie = SetCookie {
            name: "s",
            value: "v",
            path: "/",
            same_site: "Lax",
            max_age: 60,
            secure: true,
        };
        assert_eq!(
            cookie.header(),
            "s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
    }
}
