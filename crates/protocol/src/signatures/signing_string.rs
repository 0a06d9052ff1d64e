//! The draft-cavage signing string, shared by the signer and the verifier so both sides
//! canonicalize identically.

use http::{HeaderMap, Method};

use super::error::SignatureError;

/// Builds the string that is signed: one `name: value` line per entry of `names`, joined by `\n`.
///
/// - `(request-target)` is `"{method lower-case} {path_and_query}"`;
/// - `(created)` / `(expires)` are the `created` / `expires` parameters;
/// - any other name is a request header: its values, each trimmed, joined with `", "`.
///
/// Header values are used as raw bytes, so non-UTF-8 values cannot make this fail.
/// A name that is neither a pseudo-header nor present in `headers` is
/// [`SignatureError::MissingSignedHeader`].
pub(super) fn signing_string(
    names: &[String],
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    created: Option<i64>,
    expires: Option<i64>,
) -> Result<Vec<u8>, SignatureError> {
    let mut out = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if index > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        match name.as_str() {
            "(request-target)" => {
                out.extend_from_slice(method.as_str().to_ascii_lowercase().as_bytes());
                out.push(b' ');
                out.extend_from_slice(path_and_query.as_bytes());
            }
            "(created)" => out.extend_from_slice(pseudo_value(name, created)?.as_bytes()),
            "(expires)" => out.extend_from_slice(pseudo_value(name, expires)?.as_bytes()),
            _ => {
                let mut values = headers.get_all(name.as_str()).iter().peekable();
                if values.peek().is_none() {
                    return Err(SignatureError::MissingSignedHeader(name.clone()));
                }
                for (i, value) in values.enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    out.extend_from_slice(value.as_bytes().trim_ascii());
                }
            }
        }
    }
    Ok(out)
}

fn pseudo_value(name: &str, value: Option<i64>) -> Result<String, SignatureError> {
    value.map(|v| v.to_string()).ok_or_else(|| {
        SignatureError::Malformed(format!("{name} is signed but its parameter is missing"))
    })
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn names(list: &str) -> Vec<String> {
        list.split(' ').map(String::from).collect()
    }

    #[test]
    fn canonical_form_matches_the_draft() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("example.com"));
        headers.insert(
            "date",
            HeaderValue::from_static("  Sun, 05 Jan 2014 21:31:40 GMT "),
        );
        headers.append("cache-control", HeaderValue::from_static("max-age=60"));
        headers.append("cache-control", HeaderValue::from_static("must-revalidate"));
        let string = signing_string(
            &names("(request-target) (created) host date cache-control"),
            &Method::POST,
            "/foo?param=value&pet=dog",
            &headers,
            Some(1_402_170_695),
            None,
        )
        .expect("build");
        assert_eq!(
            String::from_utf8(string).expect("ascii"),
            "(request-target): post /foo?param=value&pet=dog\n\
             (created): 1402170695\n\
             host: example.com\n\
             date: Sun, 05 Jan 2014 21:31:40 GMT\n\
             cache-control: max-age=60, must-revalidate"
        );
    }

    #[test]
    fn absent_headers_and_parameters_are_errors() {
        let headers = HeaderMap::new();
        assert!(matches!(
            signing_string(&names("host"), &Method::GET, "/", &headers, None, None),
            Err(SignatureError::MissingSignedHeader(h)) if h == "host"
        ));
        assert!(matches!(
            signing_string(
                &names("(nonsense)"),
                &Method::GET,
                "/",
                &headers,
                None,
                None
            ),
            Err(SignatureError::MissingSignedHeader(_))
        ));
        assert!(matches!(
            signing_string(
                &names("(expires)"),
                &Method::GET,
                "/",
                &headers,
                Some(1),
                None
            ),
            Err(SignatureError::Malformed(_))
        ));
    }
}
