//! Finding links, mentions and hashtags in plain text written on this instance.
//!
//! The scanner works on the raw (unescaped) text and cuts it into [`Token`]s; the renderer
//! escapes every piece it emits. Rules follow Mastodon's:
//! - links: `http://` or `https://` at a word start, up to whitespace or `<`, `>`, `"`; trailing
//!   punctuation (`.` `,` `:` `;` `!` `?` quotes, unbalanced closing brackets) stays outside.
//! - mentions: `@user` or `@user@host[:port]` at a word start (so `a@b.example` is no mention).
//!   Usernames are ASCII letters, digits and `_`, with `.` and `-` allowed inside, like
//!   Mastodon's; hosts may hold Unicode letters (internationalised domains).
//! - hashtags: `#` at the start or after whitespace or punctuation (not after `/`, `)`, `&`, `#`
//!   or a word character), then Unicode letters, digits and `_`, with at least one letter.

/// A mention found in local text: `@user` (local) or `@user@domain` (remote; domain may carry a :port).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MentionRef {
    /// The username as written, without the `@`.
    pub username: String,
    /// The host (lowercased, with an optional `:port`), or `None` for a local mention.
    pub domain: Option<String>,
}

impl MentionRef {
    /// The normalized lookup key: username and domain lowercased (both compare case-insensitively).
    pub fn key(&self) -> (String, Option<String>) {
        (
            self.username.to_lowercase(),
            self.domain.as_ref().map(|d| d.to_lowercase()),
        )
    }

    /// `user` for a local mention, `user@domain` for a remote one (the webfinger resource name).
    pub fn acct(&self) -> String {
        match &self.domain {
            Some(domain) => format!("{}@{domain}", self.username),
            None => self.username.clone(),
        }
    }
}

/// One piece of scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// Literal text.
    Text(&'a str),
    /// An http(s) URL, as written.
    Link(&'a str),
    /// A mention; `raw` is the text as written, including the leading `@`.
    Mention { raw: &'a str, mention: MentionRef },
    /// A hashtag as written, without the `#`.
    Hashtag(&'a str),
}

/// Mentions in `text`, deduplicated (case-insensitively), in order of first appearance.
///
/// Resolve them (for example via webfinger) before calling
/// [`render_local_text`](super::render_local_text).
pub fn extract_mentions(text: &str) -> Vec<MentionRef> {
    let mut found: Vec<MentionRef> = Vec::new();
    for token in tokenize(text) {
        if let Token::Mention { mention, .. } = token
            && !found.iter().any(|m| m.key() == mention.key())
        {
            found.push(mention);
        }
    }
    found
}

/// Hashtags in `text`: lowercased, deduplicated, without `#`, in order of first appearance.
pub fn extract_hashtags(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for token in tokenize(text) {
        if let Token::Hashtag(tag) = token {
            let tag = tag.to_lowercase();
            if !found.contains(&tag) {
                found.push(tag);
            }
        }
    }
    found
}

/// Cuts `text` into literal text, links, mentions and hashtags.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut text_start = 0;
    let mut pos = 0;
    let mut prev: Option<char> = None;
    while let Some(c) = text[pos..].chars().next() {
        let rest = &text[pos..];
        let found = match c {
            'h' | 'H' if !prev.is_some_and(is_word_char) => {
                scan_link(rest).map(|len| (len, Token::Link(&rest[..len])))
            }
            '@' if may_precede_mention(prev) => scan_mention(&rest[1..]).map(|(len, mention)| {
                let raw = &rest[..1 + len];
                (1 + len, Token::Mention { raw, mention })
            }),
            '#' if may_precede_hashtag(prev) => {
                scan_hashtag(&rest[1..]).map(|len| (1 + len, Token::Hashtag(&rest[1..1 + len])))
            }
            _ => None,
        };
        match found {
            Some((len, token)) => {
                if text_start < pos {
                    tokens.push(Token::Text(&text[text_start..pos]));
                }
                tokens.push(token);
                prev = rest[..len].chars().next_back();
                pos += len;
                text_start = pos;
            }
            None => {
                prev = Some(c);
                pos += c.len_utf8();
            }
        }
    }
    if text_start < text.len() {
        tokens.push(Token::Text(&text[text_start..]));
    }
    tokens
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn may_precede_mention(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => !(is_word_char(c) || matches!(c, '=' | '/' | '.' | '@' | '-' | '+')),
    }
}

fn may_precede_hashtag(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => !(is_word_char(c) || matches!(c, '/' | ')' | '&' | '#')),
    }
}

/// Length of the http(s) URL at the start of `rest`, if there is one.
fn scan_link(rest: &str) -> Option<usize> {
    let has_prefix = |prefix: &str| {
        rest.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    let scheme_len = if has_prefix("https://") {
        8
    } else if has_prefix("http://") {
        7
    } else {
        return None;
    };
    let mut end = rest
        .find(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(rest.len());
    // Unmatched closing brackets, counted once so that stripping stays linear.
    let mut unmatched = [('(', ')', 0isize), ('[', ']', 0), ('{', '}', 0)];
    for c in rest[..end].chars() {
        for (open, close, count) in &mut unmatched {
            if c == *close {
                *count += 1;
            } else if c == *open {
                *count -= 1;
            }
        }
    }
    while let Some(last) = rest[..end].chars().next_back() {
        let strip = match unmatched.iter_mut().find(|(_, close, _)| *close == last) {
            Some((_, _, count)) if *count > 0 => {
                *count -= 1;
                true
            }
            Some(_) => false,
            None => matches!(last, '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '…'),
        };
        if !strip {
            break;
        }
        end -= last.len_utf8();
    }
    if end <= scheme_len {
        return None;
    }
    let url = url::Url::parse(&rest[..end]).ok()?;
    url.host_str().filter(|host| !host.is_empty())?;
    Some(end)
}

/// Length and value of the mention after an `@` (`after` starts right after it).
fn scan_mention(after: &str) -> Option<(usize, MentionRef)> {
    if !after
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let run = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(after.len());
    let username = after[..run].trim_end_matches(['.', '-']);
    let mut len = username.len();
    let mut domain = None;
    if run == username.len()
        && let Some(host_part) = after[len..].strip_prefix('@')
        && let Some(host_len) = scan_host(host_part)
    {
        domain = Some(host_part[..host_len].to_lowercase());
        len += 1 + host_len;
    }
    let mention = MentionRef {
        username: username.to_string(),
        domain,
    };
    Some((len, mention))
}

/// Length of `host[:port]` at the start of `rest`.
fn scan_host(rest: &str) -> Option<usize> {
    if !rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let run = rest
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(rest.len());
    let host = rest[..run].trim_end_matches(['.', '-']);
    let mut len = host.len();
    if run == host.len()
        && let Some(port) = rest[len..].strip_prefix(':')
    {
        let digits = port.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=5).contains(&digits) {
            len += 1 + digits;
        }
    }
    Some(len)
}

/// Length of the hashtag after a `#` (`after` starts right after it).
fn scan_hashtag(after: &str) -> Option<usize> {
    let len = after
        .find(|c: char| !is_word_char(c))
        .unwrap_or(after.len());
    let tag = &after[..len];
    tag.chars().any(char::is_alphabetic).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(username: &str, domain: Option<&str>) -> MentionRef {
        MentionRef {
            username: username.into(),
            domain: domain.map(Into::into),
        }
    }

    #[test]
    fn finds_local_and_remote_mentions_in_order_without_duplicates() {
        let found = extract_mentions(
            "@alice hi @Bob@Social.Example and @carol@host.example:8443, again @ALICE.",
        );
        assert_eq!(
            found,
            vec![
                mention("alice", None),
                mention("Bob", Some("social.example")),
                mention("carol", Some("host.example:8443")),
            ]
        );
    }

    #[test]
    fn emails_and_urls_are_not_mentions() {
        assert!(extract_mentions("write to a@b.example or x.y@corp.example").is_empty());
        assert!(extract_mentions("see https://mastodon.social/@alice now").is_empty());
        assert!(extract_mentions("key=@value path/@x").is_empty());
    }

    #[test]
    fn usernames_and_hosts_drop_trailing_punctuation() {
        assert_eq!(
            extract_mentions("(@first.last-name.) @dave@corp.example. @eve@"),
            vec![
                mention("first.last-name", None),
                mention("dave", Some("corp.example")),
                mention("eve", None),
            ]
        );
        assert_eq!(
            extract_mentions("@frank@host.example:"),
            vec![mention("frank", Some("host.example"))]
        );
    }

    #[test]
    fn mention_key_and_acct() {
        let m = mention("Alice", Some("corp.example"));
        assert_eq!(
            m.key(),
            ("alice".to_string(), Some("corp.example".to_string()))
        );
        assert_eq!(m.acct(), "Alice@corp.example");
        assert_eq!(mention("bob", None).acct(), "bob");
    }

    #[test]
    fn hashtags_are_lowercased_deduplicated_and_need_a_letter() {
        assert_eq!(
            extract_hashtags("#Rust and #rust, (#Ünïcode_2) #123 #_x"),
            vec!["rust", "ünïcode_2", "_x"]
        );
    }

    #[test]
    fn hashtags_only_at_word_starts() {
        assert!(extract_hashtags("C# and issue#12 and a#b and page/#top &#x27;").is_empty());
        assert!(extract_hashtags("https://example.com/page#section").is_empty());
        assert_eq!(extract_hashtags("\"#quoted\""), vec!["quoted"]);
    }

    #[test]
    fn links_exclude_trailing_punctuation_but_keep_balanced_parentheses() {
        let links = |text| {
            tokenize(text)
                .into_iter()
                .filter_map(|t| match t {
                    Token::Link(url) => Some(url),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            links(
                "Go to https://example.com/a. Or (https://example.com/b), or HTTPS://EXAMPLE.COM!"
            ),
            vec![
                "https://example.com/a",
                "https://example.com/b",
                "HTTPS://EXAMPLE.COM"
            ]
        );
        assert_eq!(
            links("https://en.wikipedia.org/wiki/Rust_(programming_language)."),
            vec!["https://en.wikipedia.org/wiki/Rust_(programming_language)"]
        );
        assert!(links("http:// https://. xhttps://example.com ftp://example.com").is_empty());
    }

    #[test]
    fn long_bracket_runs_stay_fast() {
        let text = format!("https://x.example/{}", ")".repeat(200_000));
        let started = std::time::Instant::now();
        let tokens = tokenize(&text);
        assert_eq!(tokens[0], Token::Link("https://x.example/"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn tokens_cover_the_whole_text() {
        let inputs = [
            "plain",
            "@a #b https://c.example/ d",
            "ünï @ # @@ ## http:",
            "@x@",
            "",
        ];
        for input in inputs {
            let joined: String = tokenize(input)
                .into_iter()
                .map(|t| match t {
                    Token::Text(s) | Token::Link(s) => s.to_string(),
                    Token::Mention { raw, .. } => raw.to_string(),
                    Token::Hashtag(tag) => format!("#{tag}"),
                })
                .collect();
            assert_eq!(joined, input);
        }
    }
}
