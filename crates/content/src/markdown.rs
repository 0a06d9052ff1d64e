//! Markdown written on this instance (intranet articles) -> sanitized HTML.
//!
//! CommonMark plus tables, strikethrough and task lists, rendered by `pulldown-cmark`, then put
//! through [`super::sanitize_article_html`]: raw HTML in the source is allowed but goes through
//! the same allow-list as remote long-form content, so scripts, iframes, event handlers, styles
//! and `javascript:` URLs never survive.

use pulldown_cmark::{Options, Parser, html};

use super::sanitize_article_html;

/// Renders Markdown to HTML that is safe to show.
pub fn render_markdown(source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let parser = Parser::new_ext(source, options);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    sanitize_article_html(&unsafe_html)
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn renders_the_long_form_elements() {
        let html = render_markdown(
            "# Title\n\nSome *em* and **strong**, `code`.\n\n- one\n- two\n\n1. first\n\n\
             ```rust\nfn main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
             [link](https://corp.example/x) ![alt text](https://corp.example/i.png)\n",
        );
        for expected in [
            "<h1>Title</h1>",
            "<em>em</em>",
            "<strong>strong</strong>",
            "<code>code</code>",
            "<li>one</li>",
            "<ol>",
            "<pre><code class=\"language-rust\">",
            "<table>",
            "<td>2</td>",
            "href=\"https://corp.example/x\"",
            "src=\"https://corp.example/i.png\"",
            "alt=\"alt text\"",
        ] {
            assert!(html.contains(expected), "missing {expected} in {html}");
        }
    }

    #[test]
    fn hostile_input_is_neutralised() {
        let hostile = [
            "<script>alert(1)</script>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<img src=\"https://corp.example/a.png\" onerror=\"alert(1)\">",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">y</a>",
            "![x](javascript:alert(1))",
            "<div style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">z</div>",
            "<svg><script>alert(1)</script></svg>",
            "<object data=\"x\"></object><embed src=\"y\">",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">d</a>",
            "<math><mi xlink:href=\"javascript:alert(1)\">m</mi></math>",
            "<style>body{display:none}</style>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        ]
        .join("\n\n");
        let html = render_markdown(&hostile).to_ascii_lowercase();
        for forbidden in [
            "<script",
            "<iframe",
            "onerror",
            "onclick",
            "javascript:",
            "style=",
            "<svg",
            "<object",
            "<embed",
            "<form",
            "<input",
            "data:text",
            "<math",
            "<style",
            "<meta",
            "alert(1)",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} survived in {html}");
        }
    }

    #[test]
    fn plain_text_is_escaped_not_interpreted() {
        let html = render_markdown("a < b && c > d \"quoted\"");
        assert!(html.contains("a &lt; b &amp;&amp; c &gt; d"), "{html}");
    }
}
