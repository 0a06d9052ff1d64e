//! Parsing and formatting of the draft-cavage `Signature` header
//! (`keyId="...",algorithm="...",headers="...",signature="..."`).

use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};

use super::error::SignatureError;

/// Longest `Signature` / `Authorization` header value accepted. A 4096-bit signature is 684
/// base64 characters; 8 KiB leaves room for long key ids and header lists.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 8 * 1024;

/// Standard base64 that accepts values with or without `=` padding.
pub(super) const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A parsed `Signature` (or `Authorization: Signature ...`) header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The `keyId` parameter: usually the URL of the signing actor's key (`...#main-key`).
    pub key_id: String,
    /// The `algorithm` parameter as sent (`rsa-sha256`, `hs2019`, ...), if any.
    pub algorithm: Option<String>,
    /// The `headers` parameter, lower-cased, in signing order. Defaults to `["date"]` when the
    /// parameter is absent (what Mastodon assumes; such signatures then fail verification).
    pub headers: Vec<String>,
    /// The decoded `signature` parameter.
    pub signature: Vec<u8>,
    /// The `created` parameter (Unix seconds), used by the `(created)` pseudo-header.
    pub created: Option<i64>,
    /// The `expires` parameter (Unix seconds), used by the `(expires)` pseudo-header.
    pub expires: Option<i64>,
}

impl SignatureHeader {
    /// Formats this as a `Signature` header value (prefix `Signature ` for `Authorization`).
    ///
    /// Parameters are quoted, except `created` and `expires`, which are bare integers as in
    /// draft-cavage 12. Only meaningful when `key_id` needs no escaping (see
    /// [`super::SigningKey::from_pem`]).
    pub(crate) fn to_header_value(&self) -> String {
        let mut out = format!("keyId=\"{}\"", self.key_id);
        if let Some(algorithm) = &self.algorithm {
            out.push_str(&format!(",algorithm=\"{algorithm}\""));
        }
        if let Some(created) = self.created {
            out.push_str(&format!(",created={created}"));
        }
        if let Some(expires) = self.expires {
            out.push_str(&format!(",expires={expires}"));
        }
        out.push_str(&format!(
            ",headers=\"{}\",signature=\"{}\"",
            self.headers.join(" "),
            STANDARD.encode(&self.signature)
        ));
        out
    }
}

/// Finds and parses the request's signature.
///
/// Looks at the `Signature` header first, then at `Authorization` headers using the `Signature`
/// scheme. More than one `Signature` header, a value over [`MAX_SIGNATURE_HEADER_LEN`], non-ASCII
/// text, a missing `keyId` or `signature`, or duplicate parameters are [`SignatureError::Malformed`];
/// no signature at all is [`SignatureError::Missing`]. Unknown parameters are ignored.
pub fn parse_signature_header(headers: &HeaderMap) -> Result<SignatureHeader, SignatureError> {
    let raw = find_signature_value(headers)?;
    let mut parsed = SignatureParams::default();
    for (name, value) in split_params(raw)? {
        parsed.set(&name, value)?;
    }
    parsed.finish()
}

/// The raw parameter list of the request's signature, without any `Signature ` scheme prefix.
fn find_signature_value(headers: &HeaderMap) -> Result<&str, SignatureError> {
    let mut signatures = headers.get_all("signature").iter();
    if let Some(value) = signatures.next() {
        if signatures.next().is_some() {
            return Err(SignatureError::Malformed(
                "more than one Signature header".into(),
            ));
        }
        return bounded_str(value);
    }
    for value in headers.get_all(AUTHORIZATION) {
        let text = bounded_str(value)?;
        if let Some((scheme, rest)) = text.split_once(' ')
            && scheme.eq_ignore_ascii_case("signature")
        {
            return Ok(rest.trim_start());
        }
    }
    Err(SignatureError::Missing)
}

fn bounded_str(value: &HeaderValue) -> Result<&str, SignatureError> {
    if value.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(SignatureError::Malformed(format!(
            "signature header longer than {MAX_SIGNATURE_HEADER_LEN} bytes"
        )));
    }
    value
        .to_str()
        .map_err(|_| SignatureError::Malformed("signature header is not ASCII".into()))
}

/// Splits `a="x",b=1, c="y\"z"` into `(name, value)` pairs, unquoting quoted values. Names
/// must be tokens, and unquoted values may not hold `"` or `\\`: anything else is malformed
/// rather than read some other way.
/// The input is visible ASCII (checked by [`HeaderValue::to_str`]), so byte indexing is safe.
fn split_params(input: &str) -> Result<Vec<(String, String)>, SignatureError> {
    let malformed = |what: &str| SignatureError::Malformed(what.to_owned());
    let bytes = input.as_bytes();
    let len = bytes.len();
    let skip_spaces = |mut i: usize| {
        while i < len && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        i
    };
    let mut params = Vec::new();
    let mut i = 0;
    loop {
        while i < len && (bytes[i] == b',' || bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        if i == len {
            break;
        }
        let name_start = i;
        while i < len && bytes[i] != b'=' && bytes[i] != b',' {
            i += 1;
        }
        if i == len || bytes[i] != b'=' {
            return Err(malformed("signature parameter without a value"));
        }
        let name = input[name_start..i].trim();
        if name.is_empty() {
            return Err(malformed("signature parameter without a name"));
        }
        if !name.bytes().all(is_token_byte) {
            return Err(malformed("signature parameter name is not a token"));
        }
        i = skip_spaces(i + 1);
        let value = if i < len && bytes[i] == b'"' {
            i += 1;
            let mut value = String::new();
            loop {
                match bytes.get(i) {
                    None => return Err(malformed("unterminated quoted string")),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let escaped = bytes
                            .get(i + 1)
                            .ok_or_else(|| malformed("unterminated quoted string"))?;
                        value.push(char::from(*escaped));
                        i += 2;
                    }
                    Some(byte) => {
                        value.push(char::from(*byte));
                        i += 1;
                    }
                }
            }
            value
        } else {
            let start = i;
            while i < len && bytes[i] != b',' {
                i += 1;
            }
            let bare = input[start..i].trim();
            if bare.contains(['"', '\\']) {
                return Err(malformed(
                    "quote or backslash in an unquoted signature parameter",
                ));
            }
            bare.to_owned()
        };
        i = skip_spaces(i);
        if i < len && bytes[i] != b',' {
            return Err(malformed("expected ',' between signature parameters"));
        }
        params.push((name.to_owned(), value));
    }
    Ok(params)
}

/// A `tchar` of RFC 9110: what a parameter name may be made of.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Parameters collected while parsing, before the required ones are checked.
#[derive(Default)]
struct SignatureParams {
    key_id: Option<String>,
    algorithm: Option<String>,
    headers: Option<String>,
    signature: Option<String>,
    created: Option<String>,
    expires: Option<String>,
}

impl SignatureParams {
    fn set(&mut self, name: &str, value: String) -> Result<(), SignatureError> {
        let slot = match name.to_ascii_lowercase().as_str() {
            "keyid" => &mut self.key_id,
            "algorithm" => &mut self.algorithm,
            "headers" => &mut self.headers,
            "signature" => &mut self.signature,
            "created" => &mut self.created,
            "expires" => &mut self.expires,
            _ => return Ok(()),
        };
        if slot.is_some() {
            return Err(SignatureError::Malformed(format!(
                "duplicate signature parameter {name:?}"
            )));
        }
        *slot = Some(value);
        Ok(())
    }

    fn finish(self) -> Result<SignatureHeader, SignatureError> {
        let key_id = self
            .key_id
            .filter(|k| !k.is_empty())
            .ok_or_else(|| SignatureError::Malformed("keyId missing".into()))?;
        let signature = self
            .signature
            .ok_or_else(|| SignatureError::Malformed("signature missing".into()))?;
        let signature = LENIENT_BASE64
            .decode(signature.trim())
            .map_err(|_| SignatureError::Malformed("signature is not base64".into()))?;
        if signature.is_empty() {
            return Err(SignatureError::Malformed("signature is empty".into()));
        }
        let headers = match self.headers {
            Some(list) => list
                .split_ascii_whitespace()
                .map(str::to_ascii_lowercase)
                .collect(),
            None => vec!["date".to_owned()],
        };
        Ok(SignatureHeader {
            key_id,
            algorithm: self.algorithm,
            headers,
            signature,
            created: parse_timestamp("created", self.created)?,
            expires: parse_timestamp("expires", self.expires)?,
        })
    }
}

/// Parses an integer Unix timestamp (decimal sub-second values are not accepted).
fn parse_timestamp(name: &str, value: Option<String>) -> Result<Option<i64>, SignatureError> {
    value
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| SignatureError::Malformed(format!("{name} is not an integer")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use http::header::AUTHORIZATION;

    use super::*;

    fn parse_value(name: &'static str, value: &str) -> Result<SignatureHeader, SignatureError> {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).expect("test value"));
        parse_signature_header(&headers)
    }

    #[test]
    fn parses_a_mastodon_shaped_header() {
        let parsed = parse_value(
            "signature",
            r#"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="AQID""#,
        )
        .expect("parse");
        assert_eq!(
            parsed,
            SignatureHeader {
                key_id: "https://mastodon.example/users/alice#main-key".into(),
                algorithm: Some("rsa-sha256".into()),
                headers: ["(request-target)", "host", "date", "digest", "content-type"]
                    .map(String::from)
                    .to_vec(),
                signature: vec![1, 2, 3],
                created: None,
                expires: None,
            }
        );
    }

    #[test]
    fn parses_created_and_expires_quoted_or_bare_with_spaces_and_mixed_case() {
        let parsed = parse_value(
            "signature",
            r#"keyId="k", algorithm="hs2019", created=1700000000, expires="1700003600", headers="(Request-Target) (created) (expires) Host", signature="AQID", extra="ignored""#,
        )
        .expect("parse");
        assert_eq!(parsed.created, Some(1_700_000_000));
        assert_eq!(parsed.expires, Some(1_700_003_600));
        assert_eq!(
            parsed.headers,
            ["(request-target)", "(created)", "(expires)", "host"].map(String::from)
        );
        let again = parse_value("signature", &parsed.to_header_value()).expect("reparse");
        assert_eq!(again, parsed);
    }

    #[test]
    fn authorization_signature_form_is_found() {
        let parsed = parse_value(
            "authorization",
            r#"Signature keyId="k",headers="(request-target) host date",signature="AQID""#,
        )
        .expect("parse");
        assert_eq!(parsed.key_id, "k");
        assert_eq!(parsed.algorithm, None);
        assert!(matches!(
            parse_value(AUTHORIZATION.as_str(), "Bearer abc"),
            Err(SignatureError::Missing)
        ));
        assert!(matches!(
            parse_signature_header(&HeaderMap::new()),
            Err(SignatureError::Missing)
        ));
    }

    #[test]
    fn missing_headers_parameter_defaults_to_date() {
        let parsed = parse_value("signature", r#"keyId="k",signature="AQID""#).expect("parse");
        assert_eq!(parsed.headers, vec!["date".to_owned()]);
    }

    #[test]
    fn escaped_quotes_and_commas_inside_values() {
        let parsed = parse_value(
            "signature",
            r#"keyId="https://x.example/a,b/\"q\"",signature="AQID""#,
        )
        .expect("parse");
        assert_eq!(parsed.key_id, r#"https://x.example/a,b/"q""#);
    }

    #[test]
    fn every_prefix_and_single_byte_mutation_is_handled_without_panic() {
        let valid = r#"Signature keyId="https://a.example/u/a#main-key",algorithm="hs2019",created=1,expires="2",headers="(request-target) host",signature="AQID""#;
        for end in 0..=valid.len() {
            let mut headers = HeaderMap::new();
            let value = HeaderValue::from_str(&valid[..end]).expect("prefix");
            headers.insert(AUTHORIZATION, value);
            let _ = parse_signature_header(&headers);
        }
        for at in 0..valid.len() {
            for replacement in [b'"', b',', b'=', b'\\', b' ', b'x'] {
                let mut bytes = valid.as_bytes().to_vec();
                bytes[at] = replacement;
                let mut headers = HeaderMap::new();
                headers.insert(
                    AUTHORIZATION,
                    HeaderValue::from_bytes(&bytes).expect("mutation"),
                );
                let _ = parse_signature_header(&headers);
            }
        }
    }

    /// Found by `proptests::a_stray_quote_is_rejected_or_changes_nothing`: a quote in a
    /// parameter name made the `headers` parameter an unknown one, ignored, so the header was
    /// read as signing `date` only; and quotes or backslashes in bare values were kept as text.
    #[test]
    fn quotes_outside_quoted_values_are_malformed() {
        for case in [
            r#"keyId="0","headers="00a(-0",algorithm="",signature="AA==""#,
            r#"keyId="k",head"ers="(request-target) host",signature="AQID""#,
            r#"keyId=k"x,signature="AQID""#,
            r#"keyId="k",algorithm=z!\*+,signature="AQID""#,
            r#"keyId="k",signature="AQID",created=1"2"#,
        ] {
            assert!(
                matches!(
                    parse_value("signature", case),
                    Err(SignatureError::Malformed(_))
                ),
                "accepted {case:?}"
            );
        }
        let parsed = parse_value("signature", r#"keyId="k",x-ext=1,signature="AQID""#)
            .expect("unknown token-named parameters are still ignored");
        assert_eq!(parsed.key_id, "k");
    }

    #[test]
    fn malformed_inputs_are_errors_not_panics() {
        let long = format!(r#"keyId="{}",signature="AQID""#, "a".repeat(9000));
        let cases = [
            "",
            ",,,",
            "keyId",
            "keyId=\"k\",signature",
            "keyId=\"k",
            "keyId=\"k\\",
            "keyId=\"k\" junk,signature=\"AQID\"",
            "=\"k\",signature=\"AQID\"",
            "signature=\"AQID\"",
            "keyId=\"\",signature=\"AQID\"",
            "keyId=\"k\"",
            "keyId=\"k\",signature=\"not base64!\"",
            "keyId=\"k\",signature=\"\"",
            "keyId=\"k\",keyId=\"j\",signature=\"AQID\"",
            "keyId=\"k\",signature=\"AQID\",created=soon",
            "keyId=\"k\",signature=\"AQID\",expires=1.5",
            "keyId=\"k\",signature=\"AQID\",created=99999999999999999999999",
            long.as_str(),
        ];
        for case in cases {
            assert!(
                matches!(
                    parse_value("signature", case),
                    Err(SignatureError::Malformed(_))
                ),
                "accepted {case:?}"
            );
        }
        let mut two = HeaderMap::new();
        two.append(
            "signature",
            HeaderValue::from_static(r#"keyId="a",signature="AQID""#),
        );
        two.append(
            "signature",
            HeaderValue::from_static(r#"keyId="b",signature="AQID""#),
        );
        assert!(matches!(
            parse_signature_header(&two),
            Err(SignatureError::Malformed(_))
        ));
        let mut binary = HeaderMap::new();
        binary.insert(
            "signature",
            HeaderValue::from_bytes(b"keyId=\"\xff\",signature=\"AQID\"").expect("obs-text"),
        );
        assert!(matches!(
            parse_signature_header(&binary),
            Err(SignatureError::Malformed(_))
        ));
    }
}
