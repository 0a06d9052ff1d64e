//! Property tests of the parsers of signed requests: the `Signature` header, the `Digest`
//! header and the signing string, on arbitrary and on generated valid input.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use federation_tests::generate::{DEFAULT_CASES, config};
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proptest::prelude::*;

use super::digest::{digest_header_value, verify_digest};
use super::error::SignatureError;
use super::header::{SignatureHeader, parse_signature_header};
use super::signing_string::signing_string;

/// Pieces of signature headers, so that random text often looks like one.
const PIECES: &[&str] = &[
    "keyId",
    "KEYID",
    "algorithm",
    "headers",
    "signature",
    "created",
    "expires",
    "=",
    "\"",
    "\\",
    ",",
    " ",
    "\t",
    "AQID",
    "====",
    "rsa-sha256",
    "hs2019",
    "(request-target) host date",
    "https://a.example/u#main-key",
    "1700000000",
    "-1",
    "99999999999999999999",
    "Signature ",
];

fn header_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(PIECES).prop_map(str::to_owned),
            1 => "[ -~]{0,6}",
        ],
        0..30,
    )
    .prop_map(|pieces| pieces.concat())
}

/// `value` under `name`, when it is a valid header value at all.
fn headers_with(name: &'static str, value: &[u8]) -> Option<HeaderMap> {
    let value = HeaderValue::from_bytes(value).ok()?;
    let mut headers = HeaderMap::new();
    headers.insert(name, value);
    Some(headers)
}

/// A key id: printable ASCII without `"` and `\` (what [`super::SigningKey`] accepts).
const KEY_ID: &str = "[!#-\\[\\]-~]{1,60}";

/// An algorithm name, with the same characters.
const ALGORITHM: &str = "[!#-\\[\\]-~]{0,16}";

/// Valid parts of a signature header.
fn parts() -> impl Strategy<Value = SignatureHeader> {
    (
        KEY_ID,
        proptest::option::of(ALGORITHM),
        prop::collection::vec("[a-z0-9()-]{1,20}", 0..8),
        prop::collection::vec(any::<u8>(), 1..600),
        proptest::option::of(any::<i64>()),
        proptest::option::of(any::<i64>()),
    )
        .prop_map(
            |(key_id, algorithm, headers, signature, created, expires)| SignatureHeader {
                key_id,
                algorithm,
                headers,
                signature,
                created,
                expires,
            },
        )
}

/// How a sender may format the same parts: parameter order, spacing, name case, quoting of
/// the timestamps, base64 padding, and the header it goes in.
#[derive(Debug, Clone)]
struct Style {
    order: Vec<usize>,
    space_after_comma: bool,
    upper_names: bool,
    quote_numbers: bool,
    unpadded: bool,
    in_authorization: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(order, space_after_comma, upper_names, quote_numbers, unpadded, in_authorization)| {
                Style {
                    order,
                    space_after_comma,
                    upper_names,
                    quote_numbers,
                    unpadded,
                    in_authorization,
                }
            },
        )
}

/// The parameters of `parts`, formatted as `style` says.
fn format_params(parts: &SignatureHeader, style: &Style) -> Vec<String> {
    let name = |n: &str| {
        if style.upper_names {
            n.to_ascii_uppercase()
        } else {
            n.to_owned()
        }
    };
    let number = |n: i64| {
        if style.quote_numbers {
            format!("\"{n}\"")
        } else {
            n.to_string()
        }
    };
    let signature = if style.unpadded {
        STANDARD_NO_PAD.encode(&parts.signature)
    } else {
        STANDARD.encode(&parts.signature)
    };
    let all = [
        Some(format!("{}=\"{}\"", name("keyId"), parts.key_id)),
        parts
            .algorithm
            .as_ref()
            .map(|a| format!("{}=\"{a}\"", name("algorithm"))),
        Some(format!(
            "{}=\"{}\"",
            name("headers"),
            parts.headers.join(" ")
        )),
        Some(format!("{}=\"{signature}\"", name("signature"))),
        parts
            .created
            .map(|c| format!("{}={}", name("created"), number(c))),
        parts
            .expires
            .map(|e| format!("{}={}", name("expires"), number(e))),
    ];
    style.order.iter().filter_map(|&i| all[i].clone()).collect()
}

fn join(params: &[String], style: &Style) -> String {
    params.join(if style.space_after_comma { ", " } else { "," })
}

fn parse(text: &str, style: &Style) -> Result<SignatureHeader, SignatureError> {
    let (name, value) = if style.in_authorization {
        (AUTHORIZATION.as_str(), format!("Signature {text}"))
    } else {
        ("signature", text.to_owned())
    };
    let headers = headers_with(name, value.as_bytes()).expect("printable ASCII");
    parse_signature_header(&headers)
}

proptest! {
    #![proptest_config(config(DEFAULT_CASES))]

    #[test]
    fn signature_header_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for name in ["signature", "authorization"] {
            if let Some(headers) = headers_with(name, &bytes) {
                let _ = parse_signature_header(&headers);
            }
        }
    }

    #[test]
    fn signature_header_parser_never_panics_on_header_like_text(text in header_text()) {
        for (name, value) in [("signature", text.clone()), ("authorization", format!("Signature {text}"))] {
            if let Some(headers) = headers_with(name, value.as_bytes())
                && let Ok(parsed) = parse_signature_header(&headers)
            {
                prop_assert!(!parsed.key_id.is_empty() && !parsed.signature.is_empty());
            }
        }
    }

    #[test]
    fn signature_headers_from_valid_parts_parse_back_to_them(parts in parts(), style in style()) {
        let text = join(&format_params(&parts, &style), &style);
        prop_assert_eq!(parse(&text, &style).expect("valid header"), parts.clone());
        let formatted = parts.to_header_value();
        prop_assert_eq!(parse(&formatted, &style).expect("formatted header"), parts);
    }

    #[test]
    fn a_repeated_parameter_is_rejected_whatever_its_case(
        parts in parts(),
        style in style(),
        which in 0usize..6,
        upper in any::<bool>(),
    ) {
        let present = [true, parts.algorithm.is_some(), true, true, parts.created.is_some(), parts.expires.is_some()];
        prop_assume!(present[which]);
        let mut params = format_params(&parts, &style);
        let names = ["keyId", "algorithm", "headers", "signature", "created", "expires"];
        let name = if upper { names[which].to_ascii_uppercase() } else { names[which].to_ascii_lowercase() };
        params.push(format!("{name}=\"1\""));
        let text = join(&params, &style);
        prop_assert!(
            matches!(parse(&text, &style), Err(SignatureError::Malformed(_))),
            "accepted {text}"
        );
    }

    #[test]
    fn a_stray_quote_is_rejected_or_changes_nothing(
        parts in parts(),
        style in style(),
        at in any::<prop::sample::Index>(),
    ) {
        let text = join(&format_params(&parts, &style), &style);
        let at = at.index(text.len() + 1);
        let broken = format!("{}\"{}", &text[..at], &text[at..]);
        match parse(&broken, &style) {
            Err(SignatureError::Malformed(_)) => {}
            Ok(parsed) => prop_assert_eq!(parsed, parts, "{} was misread", broken),
            Err(other) => prop_assert!(false, "{broken}: {other:?}"),
        }
    }

    #[test]
    fn a_bare_value_with_a_quote_or_backslash_is_rejected(
        parts in parts(),
        style in style(),
        which in 0usize..2,
        before in "[!#-+\\--\\[\\]-~]{0,10}",
        after in "[!#-+\\--\\[\\]-~]{0,10}",
        mark in prop::sample::select(vec!['"', '\\']),
    ) {
        let mut params = format_params(&parts, &style);
        let name = ["keyId", "algorithm"][which];
        params.retain(|p| !p.to_ascii_lowercase().starts_with(&name.to_ascii_lowercase()));
        params.push(format!("{name}={before}{mark}{after}"));
        let text = join(&params, &style);
        prop_assert!(
            matches!(parse(&text, &style), Err(SignatureError::Malformed(_))),
            "accepted {text}"
        );
    }

    #[test]
    fn digest_checks_never_panic_and_only_the_body_matches(
        body in prop::collection::vec(any::<u8>(), 0..200),
        other in prop::collection::vec(any::<u8>(), 0..200),
        noise in prop::collection::vec(any::<u8>(), 0..120),
    ) {
        let good = digest_header_value(&body);
        let mut headers = HeaderMap::new();
        headers.insert("digest", HeaderValue::from_str(&good).expect("ascii"));
        prop_assert!(verify_digest(&headers, &body).is_ok());
        if other != body {
            prop_assert!(verify_digest(&headers, &other).is_err());
        }
        if let Ok(value) = HeaderValue::from_bytes(&noise) {
            let mut noisy = HeaderMap::new();
            noisy.insert("digest", value);
            let _ = verify_digest(&noisy, &body);
            // A second line can never make a good digest pass for another body.
            noisy.append("digest", HeaderValue::from_str(&good).expect("ascii"));
            if other != body {
                prop_assert!(verify_digest(&noisy, &other).is_err());
            }
        }
    }

    #[test]
    fn signing_strings_have_one_line_per_signed_name(
        present in prop::collection::vec(("[a-z][a-z0-9-]{0,12}", "[ -~]{0,30}"), 0..6),
        names in prop::collection::vec(
            prop_oneof![
                Just("(request-target)".to_owned()),
                Just("(created)".to_owned()),
                Just("(expires)".to_owned()),
                "[a-z][a-z0-9-]{0,12}",
                "[ -~]{0,12}",
            ],
            0..8,
        ),
        path in "/[ -~]{0,40}",
        created in proptest::option::of(any::<i64>()),
        expires in proptest::option::of(any::<i64>()),
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in &present {
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                headers.append(name, value);
            }
        }
        if let Ok(out) = signing_string(&names, &Method::POST, &path, &headers, created, expires) {
            let text = String::from_utf8(out).expect("ASCII in, ASCII out");
            let lines: Vec<&str> = if names.is_empty() { Vec::new() } else { text.split('\n').collect() };
            prop_assert_eq!(lines.len(), names.len());
            for (line, name) in lines.iter().zip(&names) {
                prop_assert!(line.starts_with(&format!("{name}: ")), "{line:?} for {name:?}");
            }
        }
    }
}
