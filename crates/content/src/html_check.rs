//! A test oracle for sanitized HTML, independent of the sanitizer: it reads the output the way
//! a browser tokenizes it and reports the first element, attribute or URL outside the allowed
//! sets.

/// Elements and attributes a sanitized fragment may contain.
pub struct Allowed {
    /// Element names.
    pub tags: &'static [&'static str],
    /// `(element, attribute)` pairs.
    pub attributes: &'static [(&'static str, &'static str)],
}

/// What remote posts may contain.
pub const REMOTE: Allowed = Allowed {
    tags: &[
        "p",
        "br",
        "span",
        "a",
        "del",
        "pre",
        "code",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ],
    attributes: &[
        ("a", "href"),
        ("a", "rel"),
        ("a", "target"),
        ("a", "class"),
        ("span", "class"),
    ],
};

/// What articles may contain.
pub const ARTICLE: Allowed = Allowed {
    tags: &[
        "p",
        "br",
        "span",
        "a",
        "del",
        "pre",
        "code",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "img",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "hr",
        "dl",
        "dt",
        "dd",
        "sup",
        "sub",
    ],
    attributes: &[
        ("a", "href"),
        ("a", "rel"),
        ("a", "target"),
        ("a", "class"),
        ("span", "class"),
        ("img", "src"),
        ("img", "alt"),
        ("img", "title"),
        ("code", "class"),
        ("th", "colspan"),
        ("th", "rowspan"),
        ("th", "align"),
        ("td", "colspan"),
        ("td", "rowspan"),
        ("td", "align"),
    ],
};

/// The first thing in `html` that `allowed` does not permit, or that could run code: an
/// element or attribute outside the lists (event handlers and `style` included), a comment,
/// CDATA or doctype, a link that is not http(s) or mailto, an image that is not http(s), or
/// a `<` in text that starts markup.
pub fn violation(html: &str, allowed: &Allowed) -> Option<String> {
    let bytes = html.as_bytes();
    let mut pos = 0;
    while let Some(offset) = html[pos..].find('<') {
        let lt = pos + offset;
        let closing = bytes.get(lt + 1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            return Some(format!("markup that is not an element at byte {lt}"));
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if !allowed.tags.contains(&name.as_str()) {
            return Some(format!("element <{name}>"));
        }
        let (attributes, end) = match read_attributes(html, name_start + name_len) {
            Ok(read) => read,
            Err(problem) => return Some(format!("<{name}>: {problem}")),
        };
        if closing && !attributes.is_empty() {
            return Some(format!("attributes on </{name}>"));
        }
        for (attribute, value) in attributes {
            let attribute = attribute.to_ascii_lowercase();
            if !allowed
                .attributes
                .contains(&(name.as_str(), attribute.as_str()))
            {
                return Some(format!("attribute {attribute} on <{name}>"));
            }
            let schemes: &[&str] = match attribute.as_str() {
                "href" => &["http:", "https:", "mailto:"],
                "src" => &["http:", "https:"],
                _ => continue,
            };
            let url = normalized_url(&value);
            if !schemes.iter().any(|s| url.starts_with(s)) {
                return Some(format!("{attribute}={value:?} on <{name}>"));
            }
        }
        pos = end;
    }
    None
}

/// Reads `name="value"` pairs (the serializer always double-quotes) up to the `>` of a tag;
/// returns them (values with their character references decoded) and the offset past `>`.
fn read_attributes(html: &str, mut pos: usize) -> Result<(Vec<(String, String)>, usize), String> {
    let bytes = html.as_bytes();
    let mut attributes = Vec::new();
    loop {
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        match bytes.get(pos) {
            None => return Err("unterminated tag".into()),
            Some(b'>') => return Ok((attributes, pos + 1)),
            Some(b'/') if bytes.get(pos + 1) == Some(&b'>') => {
                return Ok((attributes, pos + 2));
            }
            Some(_) => {}
        }
        let start = pos;
        while bytes
            .get(pos)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            pos += 1;
        }
        let name = html[start..pos].to_owned();
        if name.is_empty() {
            return Err(format!("odd byte at {pos}"));
        }
        if bytes.get(pos) != Some(&b'=') {
            attributes.push((name, String::new()));
            continue;
        }
        if bytes.get(pos + 1) != Some(&b'"') {
            return Err(format!("attribute {name} is not double-quoted"));
        }
        let value_start = pos + 2;
        let value_len = html[value_start..]
            .find('"')
            .ok_or_else(|| format!("attribute {name} is unterminated"))?;
        let value = decode(&html[value_start..value_start + value_len]);
        attributes.push((name, value));
        pos = value_start + value_len + 1;
    }
}

/// What a browser makes of a URL attribute before looking at its scheme: references decoded,
/// ASCII whitespace and control characters removed, lower-cased.
fn normalized_url(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Decodes the character references the serializer writes in attribute values.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_must_not_be_there() {
        for bad in [
            "<script>x</script>",
            "<p onclick=\"x\">a</p>",
            "<a href=\"jav&#x61;script:x\">a</a>",
            "<a href=\" java\tscript:x\">a</a>",
            "<a href=\"/relative\">a</a>",
            "<img src=\"https://a.example/i.png\">",
            "<p style=\"x\">a</p>",
            "<!-- c -->",
            "<a href=x>a</a>",
        ] {
            assert!(violation(bad, &REMOTE).is_some(), "missed {bad}");
        }
        assert!(violation("<img src=\"data:image/png,x\">", &ARTICLE).is_some());
    }

    #[test]
    fn accepts_what_the_sanitizers_write() {
        for good in [
            "<p>a &lt;script&gt; b</p>",
            "<a href=\"https://a.example/?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">x</a>",
            "<span class=\"h-card\">@x</span><br>",
            "",
        ] {
            assert_eq!(violation(good, &REMOTE), None, "{good}");
        }
        assert_eq!(
            violation(
                "<img src=\"https://a.example/i.png\" alt=\"a\"><td colspan=\"2\">x</td><hr>",
                &ARTICLE
            ),
            None
        );
    }
}
