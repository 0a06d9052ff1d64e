//! HTML from elsewhere -> HTML safe to show, and HTML -> plain text.
//!
//! Two allow-lists built on `ammonia`: [`sanitize_remote_html`] for short posts and profile
//! fields from other servers (Mastodon's set), [`sanitize_article_html`] for long-form content
//! (adds headings, images, tables and more). Both:
//! - keep links only with `http`, `https` or `mailto` URLs; relative URLs are dropped, as they
//!   mean nothing away from their origin;
//! - set `rel="nofollow noopener noreferrer"` and `target="_blank"` on every link, replacing
//!   what the source had (so remote hashtag links lose their `rel="tag"`);
//! - keep `class` only on `a` and `span`, and only the microformat values Mastodon uses for
//!   mentions and hashtags; a class attribute whose values are all dropped stays, empty;
//! - drop comments, all other attributes (event handlers, `style`, `id`, `data-*`) and unknown
//!   elements, keeping their text, except elements whose text must not show (`script`, `style`,
//!   `iframe`, `svg`, `math`, `noscript` and the other raw-text elements), which go with all
//!   their content.
//!
//! [`html_to_plain_text`] is a small hand-written scanner; its output is text, not HTML, and
//! must be escaped again wherever it is put into HTML.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

/// Elements allowed in remote posts, like Mastodon's.
const REMOTE_TAGS: &[&str] = &[
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
];

/// Elements allowed in articles on top of [`REMOTE_TAGS`].
const ARTICLE_EXTRA_TAGS: &[&str] = &[
    "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "hr", "dl", "dt", "dd", "sup",
    "sub",
];

/// Elements removed together with everything inside them (the `sanitize` gem's default list,
/// which Mastodon relies on).
const REMOVED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "math",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "svg",
    "xmp",
];

/// Class values kept on `a` and `span`: Mastodon's mention and hashtag microformats.
const MICROFORMAT_CLASSES: &[&str] = &[
    "h-card",
    "u-url",
    "mention",
    "hashtag",
    "invisible",
    "ellipsis",
];

/// URL schemes allowed in `href`.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// The `rel` every link gets.
const LINK_REL: &str = "nofollow noopener noreferrer";

static REMOTE: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = base_builder(REMOTE_TAGS);
    builder.tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]));
    builder
});

static ARTICLE: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: Vec<&'static str> = REMOTE_TAGS
        .iter()
        .chain(ARTICLE_EXTRA_TAGS)
        .copied()
        .collect();
    let mut builder = base_builder(&tags);
    let cell = HashSet::from(["colspan", "rowspan", "align"]);
    builder
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            ("img", HashSet::from(["src", "alt", "title"])),
            ("code", HashSet::from(["class"])),
            ("th", cell.clone()),
            ("td", cell),
        ]))
        .attribute_filter(article_attribute_filter);
    builder
});

/// The settings both sanitizers share; only the tags and attributes differ.
fn base_builder(tags: &[&'static str]) -> Builder<'static> {
    let classes: HashSet<&'static str> = MICROFORMAT_CLASSES.iter().copied().collect();
    let mut builder = Builder::empty();
    builder
        .tags(tags.iter().copied().collect())
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attribute_values(HashMap::new())
        .allowed_classes(HashMap::from([("a", classes.clone()), ("span", classes)]))
        .url_schemes(LINK_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .set_tag_attribute_value("a", "target", "_blank")
        .strip_comments(true);
    builder
}

/// Article-only rules ammonia has no setting for: images load only over http(s), and `code`
/// keeps only `language-*` classes (syntax highlighting hints from Markdown renderers).
fn article_attribute_filter<'v>(
    element: &str,
    attribute: &str,
    value: &'v str,
) -> Option<Cow<'v, str>> {
    match (element, attribute) {
        ("img", "src") => is_http_url(value).then_some(Cow::Borrowed(value)),
        ("code", "class") => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|class| is_language_class(class))
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

fn is_http_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

fn is_language_class(class: &str) -> bool {
    class.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty()
            && lang
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'))
    })
}

/// Sanitizes HTML from other fediverse servers (Note content, actor summaries, profile field
/// values) to Mastodon's allow-list; see the module docs for the rules.
pub fn sanitize_remote_html(html: &str) -> String {
    REMOTE.clean(html).to_string()
}

/// Sanitizes long-form HTML (intranet articles rendered from Markdown, remote Articles): the
/// remote rules plus headings, `img` (absolute http(s) `src`, `alt`, `title`), tables, `hr`,
/// definition lists, `sup`/`sub`, and `language-*` classes on `code`.
pub fn sanitize_article_html(html: &str) -> String {
    ARTICLE.clean(html).to_string()
}

/// Converts HTML to plain text for summaries and notifications (and, through
/// [`super::article_search_text`], for search): tags are stripped,
/// block elements and `<br>` become line breaks (a blank line between paragraphs), entities are
/// decoded, runs of whitespace collapse (except inside `<pre>`), and `script`/`style` content
/// and comments are dropped. Accepts any input, however malformed.
pub fn html_to_plain_text(html: &str) -> String {
    plain_text(html, ImageText::Dropped)
}

/// What becomes of images when HTML turns into plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ImageText {
    /// Images leave no text.
    Dropped,
    /// An image leaves its `alt` text, as a separate word.
    Alt,
}

/// [`html_to_plain_text`], with images treated as `images` says.
pub(super) fn plain_text(html: &str, images: ImageText) -> String {
    let lower = html.to_ascii_lowercase();
    let mut sink = TextSink::default();
    let mut pos = 0;
    while pos < html.len() {
        let Some(offset) = html[pos..].find('<') else {
            sink.text(&decode_entities(&html[pos..]));
            break;
        };
        let lt = pos + offset;
        if lt > pos {
            sink.text(&decode_entities(&html[pos..lt]));
        }
        match scan_markup(html, &lower, lt) {
            Markup::Literal => {
                sink.text("<");
                pos = lt + 1;
            }
            Markup::Skip(end) => pos = end,
            Markup::Tag { name, closing, end } => {
                pos = end;
                if !closing && matches!(name, "script" | "style" | "title" | "template") {
                    let close = format!("</{name}");
                    pos = lower[pos..].find(&close).map_or(html.len(), |i| pos + i);
                } else if !closing && name == "img" && images == ImageText::Alt {
                    if let Some(alt) = attribute_value(&html[lt..end], "alt") {
                        sink.space = true;
                        sink.text(&decode_entities(alt));
                        sink.space = true;
                    }
                } else {
                    sink.tag(name, closing);
                }
            }
        }
    }
    sink.finish()
}

/// What starts at a `<`.
enum Markup<'a> {
    /// Not markup: a literal `<`.
    Literal,
    /// A comment, doctype or processing instruction ending before this byte offset.
    Skip(usize),
    /// A start or end tag (name lowercased) ending before this byte offset.
    Tag {
        name: &'a str,
        closing: bool,
        end: usize,
    },
}

/// Reads the markup starting at the `<` at byte `lt`; `lower` is `html` ASCII-lowercased.
fn scan_markup<'a>(html: &str, lower: &'a str, lt: usize) -> Markup<'a> {
    let bytes = html.as_bytes();
    let after = &lower[lt + 1..];
    if after.starts_with("!--") {
        // `<!-->` and `<!--->` are complete (empty) comments, hence the search from `<!`.
        let end = lower[lt + 2..]
            .find("-->")
            .map_or(html.len(), |i| lt + 2 + i + 3);
        return Markup::Skip(end);
    }
    if after.starts_with(['!', '?']) {
        let end = html[lt..].find('>').map_or(html.len(), |i| lt + i + 1);
        return Markup::Skip(end);
    }
    let closing = after.starts_with('/');
    let name_start = lt + 1 + usize::from(closing);
    if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
        return Markup::Literal;
    }
    let name_len = bytes[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let name = &lower[name_start..name_start + name_len];
    let end = tag_end(bytes, name_start + name_len);
    Markup::Tag { name, closing, end }
}

/// Byte offset just past the `>` closing a tag whose attributes start at `pos`; quoted attribute
/// values may contain `>`. An unclosed tag runs to the end of the input, as in browsers.
fn tag_end(bytes: &[u8], mut pos: usize) -> usize {
    let mut after_equals = false;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'>' => return pos + 1,
            b'=' => after_equals = true,
            b'"' | b'\'' if after_equals => {
                match bytes[pos + 1..].iter().position(|&q| q == b) {
                    Some(i) => pos += i + 1,
                    None => return bytes.len(),
                }
                after_equals = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        pos += 1;
    }
    bytes.len()
}

/// The value of the attribute named `wanted` (lowercase) in `tag`, a start tag from its `<` to
/// just past its `>`: without its quotes, character references not decoded. `None` when the
/// tag has no such attribute.
fn attribute_value<'a>(tag: &'a str, wanted: &str) -> Option<&'a str> {
    let bytes = tag.as_bytes();
    let len = bytes.len();
    let is_space = |pos: usize| bytes.get(pos).is_some_and(u8::is_ascii_whitespace);
    // Past `<` and the element name. Every position below is at an ASCII byte or at the end,
    // so each slice falls on a character boundary.
    let mut pos = 1 + bytes
        .iter()
        .skip(1)
        .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'>' | b'/'))
        .count();
    loop {
        while is_space(pos) || bytes.get(pos) == Some(&b'/') {
            pos += 1;
        }
        if pos >= len || bytes[pos] == b'>' {
            return None;
        }
        let name_start = pos;
        while pos < len && !is_space(pos) && !matches!(bytes[pos], b'=' | b'>' | b'/') {
            pos += 1;
        }
        let name = &tag[name_start..pos];
        while is_space(pos) {
            pos += 1;
        }
        let mut value = "";
        if bytes.get(pos) == Some(&b'=') {
            pos += 1;
            while is_space(pos) {
                pos += 1;
            }
            match bytes.get(pos) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let start = pos + 1;
                    let end = tag[start..]
                        .find(char::from(quote))
                        .map_or(len, |i| start + i);
                    value = &tag[start..end];
                    pos = end + 1;
                }
                _ => {
                    let start = pos;
                    while pos < len && !is_space(pos) && bytes[pos] != b'>' {
                        pos += 1;
                    }
                    value = &tag[start..pos];
                }
            }
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
    }
}

/// Builds plain text, collapsing whitespace and merging line breaks.
#[derive(Default)]
struct TextSink {
    out: String,
    /// Line breaks owed before the next text (capped at 2: one blank line).
    breaks: usize,
    /// Whitespace seen since the last text.
    space: bool,
    /// Open `<pre>` elements: whitespace is kept inside.
    pre_depth: usize,
}

impl TextSink {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if self.pre_depth == 0 && c.is_whitespace() {
                self.space = true;
            } else if c == '\n' && self.breaks > 0 {
                // The newline right after `<pre>` (or before a block) adds nothing.
            } else if c.is_control() && !matches!(c, '\n' | '\t') {
                // Drop control characters; they have no place in plain text.
            } else {
                self.flush();
                self.out.push(c);
            }
        }
    }

    fn tag(&mut self, name: &str, closing: bool) {
        match name {
            "br" => self.breaks += 1,
            "p" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr" => self.block(2),
            "pre" => {
                self.block(2);
                self.pre_depth = if closing {
                    self.pre_depth.saturating_sub(1)
                } else {
                    self.pre_depth + 1
                };
            }
            "div" | "li" | "ul" | "ol" | "dl" | "dt" | "dd" | "table" | "tr" | "thead"
            | "tbody" | "tfoot" | "caption" | "section" | "article" | "header" | "footer"
            | "aside" | "nav" | "main" | "figure" | "figcaption" | "address" | "details"
            | "summary" | "form" | "fieldset" => self.block(1),
            "td" | "th" => self.space = true,
            _ => {}
        }
    }

    fn block(&mut self, breaks: usize) {
        self.breaks = self.breaks.max(breaks);
    }

    /// Writes owed breaks or a space before the next character.
    fn flush(&mut self) {
        if !self.out.is_empty() {
            if self.breaks > 0 {
                let kept = self.out.trim_end_matches([' ', '\t']).len();
                self.out.truncate(kept);
                let have = self.out.len() - self.out.trim_end_matches('\n').len();
                for _ in have..self.breaks.min(2) {
                    self.out.push('\n');
                }
            } else if self.space && !self.out.ends_with([' ', '\n']) {
                self.out.push(' ');
            }
        }
        self.breaks = 0;
        self.space = false;
    }

    fn finish(self) -> String {
        self.out.trim().to_string()
    }
}

/// Decodes character references: the common named ones and all numeric ones. Unknown or
/// malformed references stay as written.
fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match decode_reference(after) {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference after `&` stands for, and how many bytes it took.
fn decode_reference(after: &str) -> Option<(char, usize)> {
    if let Some(number) = after.strip_prefix('#') {
        let (digits, radix, prefix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (number, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| b.is_ascii_digit() || (radix == 16 && b.is_ascii_hexdigit()))
            .count();
        if len == 0 {
            return None;
        }
        let c = u32::from_str_radix(&digits[..len], radix)
            .ok()
            .and_then(char::from_u32)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, prefix + len + semicolon));
    }
    let len = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if len == 0 || len > 16 || !after[len..].starts_with(';') {
        return None;
    }
    let c = match &after[..len] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "times" => '×',
        _ => return None,
    };
    Some((c, len + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mastodon/objects/note_1.json
    const MASTODON_MENTION: &str = r#"<p><span class="h-card"><a href="https://mamot.fr/@retiolus" class="u-url mention">@<span>retiolus</span></a></span> i have never been disappointed by a thinkpad. if you want to save money, get a model from a few years ago, there isnt a huge difference anyway.</p>"#;

    /// mastodon/objects/note_2.json
    const MASTODON_LINK: &str = r#"<p><span class="h-card" translate="no"><a href="https://lemmy.kde.social/c/kde" class="u-url mention">@<span>kde@lemmy.kde.social</span></a></span> </p><p>We also need funding 💶 to keep the gears turning! Please support us with a donation:</p><p><a href="https://kde.org/donate/" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://</span><span class="">kde.org/donate/</span><span class="invisible"></span></a></p><p>[3/3]</p>"#;

    /// mastodon/collections/featured.json
    const MASTODON_HASHTAGS: &str = r#"<p>Inaugural Post for Lemmy, a decentralized, easily self-hostable <a href="https://mastodon.social/tags/reddit" class="mention hashtag" rel="tag">#<span>reddit</span></a> / link aggregator alternative,intended to work in the <a href="https://mastodon.social/tags/fediverse" class="mention hashtag" rel="tag">#<span>fediverse</span></a>: </p><p><a href="https://github.com/LemmyNet/lemmy/" target="_blank" rel="nofollow noopener noreferrer"><span class="invisible">https://</span><span class="">github.com/LemmyNet/lemmy/</span><span class="invisible"></span></a></p><p><a href="https://mastodon.social/tags/activitypub" class="mention hashtag" rel="tag">#<span>activitypub</span></a></p>"#;

    /// pleroma/activities/create_note.json
    const PLEROMA_MENTION: &str = r#"<span class="h-card"><a class="u-url mention" data-user="ACimPLEXPDd7enu3cm" href="https://enterprise.lemmy.ml/u/picard" rel="ugc">@<span>lanodan</span></a></span> test"#;

    /// friendica/objects/note_2.json (a quote-share with vcard markup)
    const FRIENDICA_SHARE: &str = r#"Note that on <a href="https://nerdica.net/search?tag=Friendica" class="mention hashtag" rel="tag">#<span>Friendica</span></a> we canquote-share<br><div><a href="https://lemmy.ml/post/241819">♲</a> @<span class="vcard"><a href="https://lemmy.ml/u/Liwott" class="url u-url mention" title="Liwott@lemmy.ml"><span class="fn nickname mention">Liwott@lemmy.ml</span></a>:</span><blockquote><h3>Do your commenting tests here.</h3><br>While posting tests can obsviously be made on this community.</blockquote></div>"#;

    /// discourse/objects/page.json: headings, and cut off inside an attribute value.
    const DISCOURSE_PAGE: &str = "<h3>Last Meeting</h3>\n<h4>Recording</h4>\n<a href=\"https://us06web.zoom.us/rec/share/4hGB?startTime=1712254114000\">https://us06web.zoom.us/rec/share/4hGB?startTime=1712254114000</a>\nPasscode: z+1*4pUB\n<h4>Minutes</h4>\nTo refresh your memory, you can read the minutes of last week's meeting <a href=\"https://community.nodebb.org/topic/17949/minutes&hellip;";

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<iframe src=\"https://evil.example/\">framed</iframe>",
        "<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/x.swf\">",
        "<style>body { display: none }</style>",
        "<p style=\"background:url(javascript:alert(1))\">styled</p>",
        "<svg onload=\"alert(1)\"><script>alert(2)</script></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<form action=\"https://evil.example/\"><input name=x></form>",
        "<p onclick=\"alert(1)\" onmouseover='alert(2)'>x</p>",
        "<a href=\"https://ok.example/\" onclick=\"alert('x')\" title='a\"b'>ok</a>",
        "<!-- <script>alert(1)</script> -->",
        "<p>unclosed <b>bold <a href=\"https://ok.example/",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<a href=\"https://ok.example/\"\"onclick=alert(1)>x</a>",
    ];

    /// Fails if `html` holds markup that could run code, load content or restyle the page.
    /// Images are looked for only when `images_allowed` is false.
    fn assert_harmless_with(html: &str, images_allowed: bool) {
        let lower = html.to_ascii_lowercase();
        let img = if images_allowed { "<script" } else { "<img" };
        for needle in [
            "<script",
            img,
            "<iframe",
            "<object",
            "<embed",
            "<style",
            "<svg",
            "<math",
            "<form",
            "<input",
            " onerror",
            " onload",
            " onclick",
            " onmouseover",
            "javascript:",
            "vbscript:",
            "data:",
            "style=",
            "<!--",
            "alert(",
        ] {
            assert!(!lower.contains(needle), "{needle:?} survived in {html:?}");
        }
    }

    fn assert_harmless(html: &str) {
        assert_harmless_with(html, false);
    }

    #[test]
    fn remote_sanitizer_removes_everything_dangerous() {
        for input in HOSTILE {
            assert_harmless(&sanitize_remote_html(input));
        }
    }

    #[test]
    fn article_sanitizer_removes_everything_dangerous() {
        for input in HOSTILE {
            let out = sanitize_article_html(input);
            assert_harmless_with(&out, true);
            assert!(!out.contains("<img src=\"j") && !out.contains("<img src=\"x"));
        }
    }

    #[test]
    fn exact_outputs_for_hostile_markup() {
        let cases = [
            ("<p>hi<script>alert(1)</script></p>", "<p>hi</p>"),
            ("<img src=x onerror=alert(1)>", ""),
            (
                "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
                r#"<a target="_blank" rel="nofollow noopener noreferrer">x</a>"#,
            ),
            (
                "<iframe src=\"https://evil.example/\">framed</iframe>after",
                "after",
            ),
            ("<svg onload=\"alert(1)\"><circle/></svg>text", "text"),
            ("<!-- comment --><p>x</p>", "<p>x</p>"),
            ("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>"),
            (
                "<div><em>kept</em> <font color=red>text</font></div>",
                "<em>kept</em> text",
            ),
            (
                "<a href=\"/relative\">r</a><a href=\"mailto:a@corp.example\">m</a>",
                concat!(
                    r#"<a target="_blank" rel="nofollow noopener noreferrer">r</a>"#,
                    r#"<a href="mailto:a@corp.example" target="_blank" rel="nofollow noopener noreferrer">m</a>"#
                ),
            ),
            (
                "<a href=\"https://ok.example/\" target=\"_self\" rel=\"opener\" title='a\"b'>ok</a>",
                r#"<a href="https://ok.example/" target="_blank" rel="nofollow noopener noreferrer">ok</a>"#,
            ),
            (
                "<span class=\"h-card evil invisible\" id=\"x\">s</span><p class=\"mention\">p</p>",
                r#"<span class="h-card invisible">s</span><p>p</p>"#,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_remote_html(input), expected, "input: {input:?}");
        }
    }

    #[test]
    fn mastodon_mention_markup_survives() {
        assert_eq!(
            sanitize_remote_html(MASTODON_MENTION),
            MASTODON_MENTION.replace(
                r#"class="u-url mention">"#,
                r#"class="u-url mention" target="_blank" rel="nofollow noopener noreferrer">"#
            )
        );
    }

    #[test]
    fn mastodon_links_keep_their_invisible_spans() {
        let out = sanitize_remote_html(MASTODON_LINK);
        assert!(out.contains(
            r#"<span class="h-card"><a href="https://lemmy.kde.social/c/kde" class="u-url mention""#
        ));
        assert!(out.contains(r#"<a href="https://kde.org/donate/""#));
        assert!(out.contains(r#"<span class="invisible">https://</span>"#));
        assert!(out.contains("💶"));
        assert!(!out.contains("translate"));
    }

    #[test]
    fn mastodon_hashtag_markup_survives() {
        let out = sanitize_remote_html(MASTODON_HASHTAGS);
        for tag in ["reddit", "fediverse", "activitypub"] {
            assert!(out.contains(&format!(
                r#"<a href="https://mastodon.social/tags/{tag}" class="mention hashtag" target="_blank" rel="nofollow noopener noreferrer">#<span>{tag}</span></a>"#
            )));
        }
        assert!(out.contains(r#"<a href="https://github.com/LemmyNet/lemmy/""#));
    }

    #[test]
    fn pleroma_mention_loses_only_extra_attributes() {
        assert_eq!(
            sanitize_remote_html(PLEROMA_MENTION),
            r#"<span class="h-card"><a class="u-url mention" href="https://enterprise.lemmy.ml/u/picard" target="_blank" rel="nofollow noopener noreferrer">@<span>lanodan</span></a></span> test"#
        );
    }

    #[test]
    fn friendica_share_keeps_structure_and_known_classes() {
        let out = sanitize_remote_html(FRIENDICA_SHARE);
        assert!(out.contains(r#"class="mention hashtag""#));
        assert!(out.contains(r#"<a href="https://lemmy.ml/u/Liwott" class="u-url mention""#));
        assert!(out.contains(r#"<span class="mention">Liwott@lemmy.ml</span>"#));
        assert!(out.contains("<blockquote><h3>Do your commenting tests here.</h3><br>"));
        assert!(!out.contains("<div") && !out.contains("vcard") && !out.contains("title="));
    }

    #[test]
    fn article_keeps_tables_headings_images_and_code_languages() {
        let input = concat!(
            "<h1 id=\"top\">Title</h1><h2>Sub</h2><p>Text<sup>1</sup> H<sub>2</sub>O</p><hr>",
            "<table><thead><tr><th align=\"left\" style=\"color:red\">A</th></tr></thead>",
            "<tbody><tr><td colspan=\"2\" onclick=\"x()\">1</td></tr></tbody></table>",
            "<dl><dt>term</dt><dd>definition</dd></dl>",
            "<img src=\"https://cdn.example/a.png\" alt=\"A chart\" title=\"Chart\" width=\"9\">",
            "<img src=\"http://cdn.example/b.png\"><img src=\"data:image/png;base64,AAAA\">",
            "<img src=\"mailto:x@corp.example\"><img src=\"/relative.png\">",
            "<pre><code class=\"language-rust evil hljs\">fn main() {}</code></pre>",
            "<code class=\"evil\">x</code>",
        );
        assert_eq!(
            sanitize_article_html(input),
            concat!(
                "<h1>Title</h1><h2>Sub</h2><p>Text<sup>1</sup> H<sub>2</sub>O</p><hr>",
                "<table><thead><tr><th align=\"left\">A</th></tr></thead>",
                "<tbody><tr><td colspan=\"2\">1</td></tr></tbody></table>",
                "<dl><dt>term</dt><dd>definition</dd></dl>",
                "<img src=\"https://cdn.example/a.png\" alt=\"A chart\" title=\"Chart\">",
                "<img src=\"http://cdn.example/b.png\"><img><img><img>",
                "<pre><code class=\"language-rust\">fn main() {}</code></pre>",
                "<code>x</code>",
            )
        );
    }

    #[test]
    fn remote_sanitizer_drops_article_elements() {
        let out = sanitize_remote_html(
            "<table><tr><td>cell</td></tr></table><img src=\"https://cdn.example/a.png\"><code class=\"language-rust\">c</code>",
        );
        assert_eq!(out, "cell<code>c</code>");
    }

    #[test]
    fn truncated_real_world_article_is_handled() {
        let out = sanitize_article_html(DISCOURSE_PAGE);
        assert!(out.starts_with("<h3>Last Meeting</h3>\n<h4>Recording</h4>"));
        assert!(out.contains("<h4>Minutes</h4>"));
        assert!(out.contains("Passcode: z+1*4pUB"));
    }

    #[test]
    fn plain_text_from_real_posts() {
        assert_eq!(
            html_to_plain_text(MASTODON_LINK),
            "@kde@lemmy.kde.social\n\nWe also need funding 💶 to keep the gears turning! Please support us with a donation:\n\nhttps://kde.org/donate/\n\n[3/3]"
        );
        assert_eq!(html_to_plain_text(PLEROMA_MENTION), "@lanodan test");
        assert_eq!(
            html_to_plain_text(DISCOURSE_PAGE),
            "Last Meeting\n\nRecording\n\nhttps://us06web.zoom.us/rec/share/4hGB?startTime=1712254114000 Passcode: z+1*4pUB\n\nMinutes\n\nTo refresh your memory, you can read the minutes of last week's meeting"
        );
    }

    #[test]
    fn plain_text_breaks_and_whitespace() {
        let cases = [
            ("<p>one</p><p>two</p>", "one\n\ntwo"),
            ("a<br>b<br/><br />c", "a\nb\n\nc"),
            ("  lots   of\n\t space  ", "lots of space"),
            ("<ul><li>x</li><li>y</li></ul>after", "x\ny\nafter"),
            (
                "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
                "a b\nc",
            ),
            (
                "<pre>\n  code\n    indented\n</pre><p>p</p>",
                "code\n    indented\n\np",
            ),
            ("<b>bold</b><i>italic</i>", "bolditalic"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(html_to_plain_text(input), expected, "input: {input:?}");
        }
    }

    #[test]
    fn plain_text_decodes_entities() {
        assert_eq!(
            html_to_plain_text(
                "&amp; &lt;b&gt; &quot;q&quot; &#39;s&#39; &apos; &#8364;&#x20AC;&#X41; a&nbsp;b &hellip;"
            ),
            "& <b> \"q\" 's' ' €€A a b …"
        );
        assert_eq!(
            html_to_plain_text("&unknown; &amp &#; &#x; &#0; &#xD800; &#99999999999; &#65"),
            "&unknown; &amp &#; &#x; \u{FFFD} \u{FFFD} \u{FFFD} A"
        );
    }

    #[test]
    fn plain_text_drops_scripts_styles_and_comments() {
        assert_eq!(
            html_to_plain_text(
                "a<script>if (x < 1) { y = '</p>' }</script>b<STYLE>p{}</STYLE>c<!-- hidden -->d<!-->e<!DOCTYPE html>f<?xml x?>g"
            ),
            "abcdefg"
        );
        assert_eq!(html_to_plain_text("x<script>never closed"), "x");
    }

    #[test]
    fn plain_text_survives_malformed_markup() {
        let cases = [
            ("<p>a < b and c > d</p>", "a < b and c > d"),
            ("1 <2 and 3> 4", "1 <2 and 3> 4"),
            ("<a href=\"x>y\" title='>'>link</a> text", "link text"),
            ("text <b", "text"),
            ("text <a href=\"unterminated>more", "text"),
            ("<!-- unterminated comment", ""),
            ("</p>closing first<p", "closing first"),
            ("<>empty<//>", "<>empty<//>"),
        ];
        for (input, expected) in cases {
            assert_eq!(html_to_plain_text(input), expected, "input: {input:?}");
        }
    }

    #[test]
    fn no_input_prefix_panics() {
        let input = HOSTILE.concat() + "ü<p>&#x1F600;&am" + FRIENDICA_SHARE + "<a href='x";
        let mut cut = 0;
        while cut <= input.len() {
            if input.is_char_boundary(cut) {
                let prefix = &input[..cut];
                let _ = html_to_plain_text(prefix);
                if cut % 7 == 0 {
                    assert_harmless(&sanitize_remote_html(prefix));
                    assert_harmless_with(&sanitize_article_html(prefix), true);
                }
            }
            cut += 1;
        }
    }
}
