//! Plain text written on this instance -> safe HTML, in the markup Mastodon produces.
//!
//! Every piece of the text is escaped before it reaches the output; only the markup built here
//! (paragraphs, line breaks, links, mentions, hashtags) is HTML.

use std::collections::HashMap;

use super::tags::{MentionRef, Token, tokenize};
use crate::text::escape_html;

/// What the renderer needs to link mentions: the actor URL (id) and profile URL of a mentioned account, if known.
pub trait MentionResolver {
    /// The account a mention names, or `None` to leave the mention as plain text.
    fn resolve(&self, mention: &MentionRef) -> Option<ResolvedMention>;
}

/// A mentioned account, as known to this instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMention {
    /// The actor's ActivityPub id.
    pub actor_id: String,
    /// The actor's profile page (the link target in the rendered HTML).
    pub profile_url: String,
    /// `user@domain`.
    pub acct: String,
}

/// Mentions resolved ahead of rendering, keyed by [`MentionRef::key`] (lowercased username and
/// domain). Lookups try the normalized key first, then the mention's exact spelling.
impl MentionResolver for HashMap<(String, Option<String>), ResolvedMention> {
    fn resolve(&self, mention: &MentionRef) -> Option<ResolvedMention> {
        self.get(&mention.key())
            .or_else(|| self.get(&(mention.username.clone(), mention.domain.clone())))
            .cloned()
    }
}

/// Locally written text rendered to HTML, with what it links to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    /// The HTML, safe to store and federate as the `content` of a Note.
    pub html: String,
    /// Resolved mentions, deduplicated by actor id, in order of appearance.
    pub mentions: Vec<ResolvedMention>,
    /// Hashtags: lowercased, deduplicated, without `#`, in order of appearance.
    pub hashtags: Vec<String>,
}

/// Renders local plain text to HTML: blank lines separate `<p>` paragraphs, single newlines
/// become `<br>`, http(s) URLs become links, resolved mentions become Mastodon `h-card` links
/// (unresolved ones stay text), and hashtags link to `{tag_base_url}/{lowercased tag}`.
pub fn render_local_text(
    text: &str,
    resolver: &dyn MentionResolver,
    tag_base_url: &str,
) -> Rendered {
    let mut out = Rendered::default();
    let tag_base = tag_base_url.trim_end_matches('/');
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    for paragraph in paragraphs(&normalized) {
        out.html.push_str("<p>");
        for (i, line) in paragraph.iter().enumerate() {
            if i > 0 {
                out.html.push_str("<br>");
            }
            render_line(line, resolver, tag_base, &mut out);
        }
        out.html.push_str("</p>");
    }
    out
}

/// Groups non-blank lines into paragraphs; whitespace-only lines separate them.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = Vec::new();
    let mut current = Vec::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

fn render_line(line: &str, resolver: &dyn MentionResolver, tag_base: &str, out: &mut Rendered) {
    for token in tokenize(line) {
        match token {
            Token::Text(text) => out.html.push_str(&escape_html(text)),
            Token::Link(url) => {
                let url = escape_html(url);
                out.html.push_str(&format!(
                    r#"<a href="{url}" rel="nofollow noopener noreferrer" target="_blank">{url}</a>"#
                ));
            }
            Token::Mention { raw, mention } => match resolver.resolve(&mention) {
                Some(resolved) => {
                    out.html.push_str(&format!(
                        r#"<span class="h-card"><a href="{}" class="u-url mention">@<span>{}</span></a></span>"#,
                        escape_html(&resolved.profile_url),
                        escape_html(&mention.username),
                    ));
                    if !out.mentions.iter().any(|m| m.actor_id == resolved.actor_id) {
                        out.mentions.push(resolved);
                    }
                }
                None => out.html.push_str(&escape_html(raw)),
            },
            Token::Hashtag(tag) => {
                let lower = tag.to_lowercase();
                let path: String = url::form_urlencoded::byte_serialize(lower.as_bytes()).collect();
                out.html.push_str(&format!(
                    r#"<a href="{}/{}" class="mention hashtag" rel="tag">#<span>{}</span></a>"#,
                    escape_html(tag_base),
                    escape_html(&path),
                    escape_html(tag),
                ));
                if !out.hashtags.contains(&lower) {
                    out.hashtags.push(lower);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAGS: &str = "https://trellis.example/tags";

    fn resolved(acct: &str) -> ResolvedMention {
        let (user, domain) = acct.split_once('@').unwrap_or((acct, "trellis.example"));
        ResolvedMention {
            actor_id: format!("https://{domain}/users/{user}"),
            profile_url: format!("https://{domain}/@{user}"),
            acct: format!("{user}@{domain}"),
        }
    }

    fn resolver() -> HashMap<(String, Option<String>), ResolvedMention> {
        let mut map = HashMap::new();
        for (mention, acct) in [
            (
                MentionRef {
                    username: "alice".into(),
                    domain: None,
                },
                "alice",
            ),
            (
                MentionRef {
                    username: "Bob".into(),
                    domain: Some("social.example".into()),
                },
                "bob@social.example",
            ),
        ] {
            map.insert(mention.key(), resolved(acct));
        }
        map
    }

    fn render(text: &str) -> Rendered {
        render_local_text(text, &resolver(), TAGS)
    }

    #[test]
    fn escapes_markup_in_local_text() {
        let out = render(r#"<b>bold</b> & <script>alert("x")</script> 'q'"#);
        assert_eq!(
            out.html,
            "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;q&#39;</p>"
        );
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        let out = render("first line\r\nsecond line\n\n\n  \nnew paragraph  \n");
        assert_eq!(
            out.html,
            "<p>first line<br>second line</p><p>new paragraph</p>"
        );
        assert_eq!(render("").html, "");
        assert_eq!(render(" \n \n").html, "");
    }

    #[test]
    fn local_and_remote_mentions_are_linked_once_each() {
        let out = render("@alice meet @bob@Social.Example, and @alice again");
        assert_eq!(
            out.html,
            concat!(
                r#"<p><span class="h-card"><a href="https://trellis.example/@alice" class="u-url mention">@<span>alice</span></a></span>"#,
                r#" meet <span class="h-card"><a href="https://social.example/@bob" class="u-url mention">@<span>bob</span></a></span>,"#,
                r#" and <span class="h-card"><a href="https://trellis.example/@alice" class="u-url mention">@<span>alice</span></a></span> again</p>"#,
            )
        );
        let accts: Vec<&str> = out.mentions.iter().map(|m| m.acct.as_str()).collect();
        assert_eq!(accts, vec!["alice@trellis.example", "bob@social.example"]);
    }

    #[test]
    fn unresolved_mentions_stay_text() {
        let out = render("hi @nobody and @ghost@far.example <3");
        assert_eq!(out.html, "<p>hi @nobody and @ghost@far.example &lt;3</p>");
        assert!(out.mentions.is_empty());
    }

    #[test]
    fn emails_are_not_mentions() {
        let out = render("mail alice@trellis.example");
        assert_eq!(out.html, "<p>mail alice@trellis.example</p>");
        assert!(out.mentions.is_empty());
    }

    #[test]
    fn hashtags_are_linked_lowercased_and_deduplicated() {
        let out = render("#Rust is fun. #rust #Fête");
        assert_eq!(
            out.html,
            concat!(
                r#"<p><a href="https://trellis.example/tags/rust" class="mention hashtag" rel="tag">#<span>Rust</span></a> is fun."#,
                r#" <a href="https://trellis.example/tags/rust" class="mention hashtag" rel="tag">#<span>rust</span></a>"#,
                r#" <a href="https://trellis.example/tags/f%C3%AAte" class="mention hashtag" rel="tag">#<span>Fête</span></a></p>"#,
            )
        );
        assert_eq!(out.hashtags, vec!["rust", "fête"]);
        let trailing = render_local_text("#a1", &resolver(), "https://t.example/tags/");
        assert!(
            trailing
                .html
                .contains(r#"href="https://t.example/tags/a1""#)
        );
    }

    #[test]
    fn links_leave_trailing_punctuation_outside() {
        let out = render("See https://example.com/a?b=1&c=\"2\". Or (https://example.com/x).");
        assert_eq!(
            out.html,
            concat!(
                r#"<p>See <a href="https://example.com/a?b=1&amp;c=" rel="nofollow noopener noreferrer" target="_blank">https://example.com/a?b=1&amp;c=</a>&quot;2&quot;."#,
                r#" Or (<a href="https://example.com/x" rel="nofollow noopener noreferrer" target="_blank">https://example.com/x</a>).</p>"#,
            )
        );
    }

    #[test]
    fn url_fragments_and_paths_are_not_tags_or_mentions() {
        let out = render("https://example.com/@alice#intro");
        assert!(out.mentions.is_empty());
        assert!(out.hashtags.is_empty());
        assert_eq!(
            out.html,
            r#"<p><a href="https://example.com/@alice#intro" rel="nofollow noopener noreferrer" target="_blank">https://example.com/@alice#intro</a></p>"#
        );
    }

    #[test]
    fn output_survives_the_remote_sanitizer_unchanged_in_substance() {
        let out = render("@alice #tag https://example.com/");
        let clean = crate::sanitize_remote_html(&out.html);
        assert!(clean.contains(r#"<span class="h-card">"#));
        assert!(clean.contains(r#"class="u-url mention""#));
        assert!(clean.contains(r#"class="mention hashtag""#));
        assert!(clean.contains(r#"href="https://example.com/""#));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let samples = [
            "@",
            "#",
            "@@@@",
            "###",
            "http://",
            "https://[",
            "@a@b:99999999",
            "\u{0}\u{202e}@ü@ü",
            "#\u{301}",
            "((((https://x.example/))))",
        ];
        for sample in samples {
            let _ = render(sample);
        }
    }
}
