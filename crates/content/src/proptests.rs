//! Property tests of the renderers and sanitizers: whatever the input, they do not panic and
//! their output holds only allowed elements, attributes and URLs (see [`super::html_check`]).

use std::collections::HashMap;

use federation_tests::generate::{DEFAULT_CASES, config};
use proptest::prelude::*;

use super::html_check::{ARTICLE, REMOTE, violation};
use super::{
    html_to_plain_text, render_local_text, render_markdown, sanitize_article_html,
    sanitize_remote_html,
};

/// Markdown and HTML pieces that attackers combine: raw tags, event handlers, scripts
/// spelled with references and whitespace, links and images of every Markdown form.
const FRAGMENTS: &[&str] = &[
    "<script>",
    "</script>",
    "<scr",
    "ipt>",
    "<iframe src=x>",
    "</iframe>",
    "<style>",
    "</style>",
    "<svg>",
    "<math>",
    "<object>",
    "<embed src=x>",
    "<form>",
    "<input>",
    "<base href=x>",
    "<meta http-equiv=refresh>",
    "<link rel=stylesheet>",
    "<a href=\"",
    "<a href=",
    "<img src=",
    "<img src=x ",
    "<p ",
    "<div ",
    "<td ",
    "<code class=\"",
    "\">",
    "'>",
    ">",
    "<",
    "\"",
    "'",
    "/",
    " onerror=alert(1) ",
    "onclick=\"alert(1)\"",
    " onmouseover=x",
    " style=\"x\"",
    "javascript:",
    "JaVaScRiPt:",
    "jav&#x61;script:",
    "&#106;avascript:",
    "java\tscript:",
    "java&#x09;script:",
    "jav&#97script:",
    "&#0000106avascript:",
    " javascript:",
    "\u{1}javascript:",
    "javascript&colon;",
    "vbscript:",
    "data:text/html,",
    "alert(1)",
    "https://a.example/",
    "http://a.example/x?y=1&z=2",
    "mailto:a@b.example",
    "//evil.example",
    "[x](",
    "](",
    ")",
    "[x]: ",
    "[x]",
    "![a](",
    "<https://a.example/>",
    "<javascript:alert(1)>",
    "<mailto:x@y.example>",
    "[a](<javascript:x>)",
    "[a](javascript:x \"t\")",
    "\n\n",
    "\n",
    "    ",
    "```",
    "```html\n",
    "`",
    "*",
    "**",
    "_",
    "~~",
    "#",
    "> ",
    "- ",
    "1. ",
    "- [ ] ",
    "| a | b |\n|---|---|\n",
    "|",
    "[^1]",
    "[^1]: ",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE html>",
    "<?xml ?>",
    "&",
    "&amp;",
    "&lt;",
    "&#x3C;",
    "&#60;",
    "&quot;",
    "\\",
    "\u{0}",
    "\t",
    "\r",
    "\u{202e}",
    "ü",
    "<noscript>",
    "<template>",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<plaintext>",
    "<select>",
    "<option>",
    "<frameset>",
    "<table>",
    "<tr>",
];

fn adversarial() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
            1 => ".{0,6}",
        ],
        0..40,
    )
    .prop_map(|pieces| pieces.concat())
}

const TAGS: &[&str] = &[
    "a",
    "p",
    "span",
    "img",
    "script",
    "style",
    "iframe",
    "svg",
    "math",
    "div",
    "table",
    "td",
    "code",
    "pre",
    "noscript",
    "template",
    "object",
    "form",
    "textarea",
    "title",
    "select",
    "option",
    "b",
    "br",
    "mi",
    "mglyph",
    "desc",
    "foreignobject",
    "annotation-xml",
    "xmp",
];

const ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "class",
    "style",
    "onerror",
    "onload",
    "onclick",
    "title",
    "alt",
    "xlink:href",
    "formaction",
    "srcdoc",
    "colspan",
    "rel",
    "target",
    "id",
    "data-x",
    "action",
    "background",
];

const ATTRIBUTE_VALUES: &[&str] = &[
    "javascript:alert(1)",
    "jav&#x61;script:alert(1)",
    " javascript:x",
    "java\nscript:x",
    "JAVASCRIPT:x",
    "data:text/html,x",
    "vbscript:x",
    "https://a.example/",
    "http://a.example/",
    "mailto:x@a.example",
    "/relative",
    "//evil.example/",
    "x",
    "",
    "\"",
    "'><script>x</script>",
    "language-rust",
    "h-card",
    "u-url mention",
    "2",
    "&quot;onclick=x",
];

/// Arbitrary HTML trees of hostile elements and attributes, with raw fragments mixed in.
fn html() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[^<&]{0,8}",
        prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        (
            prop::sample::select(TAGS),
            prop::collection::vec(
                (
                    prop::sample::select(ATTRIBUTES),
                    prop::sample::select(ATTRIBUTE_VALUES),
                    0..3u8,
                ),
                0..4,
            ),
            prop::collection::vec(inner, 0..6),
            any::<bool>(),
        )
            .prop_map(|(tag, attributes, children, close)| {
                let mut out = format!("<{tag}");
                for (name, value, quoting) in attributes {
                    match quoting {
                        0 => out.push_str(&format!(" {name}=\"{value}\"")),
                        1 => out.push_str(&format!(" {name}='{value}'")),
                        _ => out.push_str(&format!(" {name}={value}")),
                    }
                }
                out.push('>');
                out.push_str(&children.concat());
                if close {
                    out.push_str(&format!("</{tag}>"));
                }
                out
            })
    })
}

fn assert_allowed(output: &str, allowed: &super::html_check::Allowed, input: &str) {
    if let Some(problem) = violation(output, allowed) {
        panic!("{problem}\n  input:  {input:?}\n  output: {output:?}");
    }
}

proptest! {
    #![proptest_config(config(DEFAULT_CASES))]

    #[test]
    fn markdown_output_is_safe_for_any_input(source in any::<String>()) {
        assert_allowed(&render_markdown(&source), &ARTICLE, &source);
    }

    #[test]
    fn markdown_output_is_safe_for_adversarial_input(source in adversarial()) {
        assert_allowed(&render_markdown(&source), &ARTICLE, &source);
    }

    #[test]
    fn sanitized_html_is_safe_for_hostile_trees(input in html()) {
        assert_allowed(&sanitize_remote_html(&input), &REMOTE, &input);
        assert_allowed(&sanitize_article_html(&input), &ARTICLE, &input);
        let _ = html_to_plain_text(&input);
    }

    #[test]
    fn sanitized_html_is_safe_for_any_text(input in prop_oneof![any::<String>(), adversarial()]) {
        assert_allowed(&sanitize_remote_html(&input), &REMOTE, &input);
        assert_allowed(&sanitize_article_html(&input), &ARTICLE, &input);
        let _ = html_to_plain_text(&input);
    }

    #[test]
    fn sanitizing_sanitized_html_keeps_it_safe(input in html()) {
        let once = sanitize_article_html(&input);
        assert_allowed(&sanitize_article_html(&once), &ARTICLE, &input);
        assert_allowed(&sanitize_remote_html(&once), &REMOTE, &input);
    }

    #[test]
    fn local_text_renders_only_its_own_markup(text in prop_oneof![any::<String>(), adversarial()]) {
        let resolver: HashMap<(String, Option<String>), super::ResolvedMention> = HashMap::new();
        let rendered = render_local_text(&text, &resolver, "https://trellis.example/tags");
        assert_allowed(&rendered.html, &REMOTE, &text);
    }
}
