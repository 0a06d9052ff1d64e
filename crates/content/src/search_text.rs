//! Article HTML -> the plain text the full-text index reads (`articles.body_text`).
//!
//! Search works on what a reader sees, not on what a writer typed: Markdown syntax (`**`, `#`,
//! table pipes, fences), link targets and image URLs never reach the index or its excerpts.
//! The text is derived from the sanitized HTML, so local articles (rendered from Markdown)
//! and articles received from other instances (sanitized HTML) go through the same rules.

use super::sanitize::{ImageText, plain_text};

/// The visible text of sanitized article HTML, for search: the text of every element (link
/// text without the link's URL, code as it is written), images as their `alt` text, block
/// boundaries (paragraphs, headings, list items, table rows and cells) as whitespace, and
/// character references decoded. Accepts any input, however malformed.
pub fn article_search_text(html: &str) -> String {
    plain_text(html, ImageText::Alt)
}

#[cfg(test)]
mod tests {
    use super::article_search_text;
    use crate::render_markdown;

    /// What search reads of an article written in Markdown.
    fn text_of(markdown: &str) -> String {
        article_search_text(&render_markdown(markdown))
    }

    #[test]
    fn markdown_syntax_leaves_only_the_words() {
        assert_eq!(
            text_of(
                "# Travel *policy*\n\nBook **early**, ~~late~~ never.\n\n> Quoted __advice__\n\n---\n\nEnd"
            ),
            "Travel policy\n\nBook early, late never.\n\nQuoted advice\n\nEnd"
        );
    }

    #[test]
    fn links_keep_their_text_and_lose_their_urls() {
        let text = text_of(
            "Read [the handbook](https://corp.example/handbook?ref=search \"Handbook\") and \
             [mail us](mailto:help@corp.example), or see [ref][r].\n\n[r]: https://corp.example/ref\n",
        );
        assert_eq!(text, "Read the handbook and mail us, or see ref.");
        assert!(
            !text.contains("corp.example") && !text.contains("mailto"),
            "{text}"
        );
    }

    #[test]
    fn images_become_their_alt_text() {
        let text = text_of(
            "Level 2![Floor plan of *level 2*](https://corp.example/plan.png \"Plan\")below \
             ![](https://corp.example/spacer.png)\n\n<img src=\"https://corp.example/a.png\" \
             title='x alt=no' alt=\"Fire &quot;exits&quot; &amp; stairs\">",
        );
        assert_eq!(
            text,
            "Level 2 Floor plan of level 2 below\n\nFire \"exits\" & stairs"
        );
    }

    #[test]
    fn nested_lists_put_every_item_on_its_own_line() {
        assert_eq!(
            text_of(
                "- one\n  - nested *a*\n  - nested b\n    1. deep\n- two\n\n1. first\n2. second\n\n- [x] done\n- [ ] open\n"
            ),
            "one\nnested a\nnested b\ndeep\ntwo\nfirst\nsecond\ndone\nopen"
        );
    }

    #[test]
    fn tables_lose_their_pipes_and_rules() {
        let text = text_of(
            "| Name | Room |\n|:-----|-----:|\n| Ana | 2.14 |\n| **Bo** | `B-1` |\n\nAfter",
        );
        assert_eq!(text, "Name Room\nAna 2.14\nBo B-1\n\nAfter");
        assert!(!text.contains('|') && !text.contains("--"), "{text}");
    }

    #[test]
    fn code_is_kept_as_text() {
        let text = text_of(
            "Run `a < b && c`:\n\n```rust\nfn main() {\n    println!(\"<hi> **not bold**\");\n}\n```\n\n    indented code\n",
        );
        assert_eq!(
            text,
            "Run a < b && c:\n\nfn main() {\n    println!(\"<hi> **not bold**\");\n}\n\nindented code"
        );
        assert!(
            !text.contains("```") && !text.contains("language-rust"),
            "{text}"
        );
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(
            text_of("AT&amp;T &copy; &lt;tag&gt; caf&eacute; &#8364;5 &amp;lt;"),
            "AT&T © <tag> café €5 &lt;"
        );
    }

    #[test]
    fn blocks_never_glue_words_together() {
        let text = text_of("alpha\n\nbeta\n# gamma\n<div>delta</div><p>epsilon</p>\n\nzeta  \neta");
        for word in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"] {
            assert!(
                text.split_whitespace().any(|w| w == word),
                "{word} is not a word of {text:?}"
            );
        }
    }

    #[test]
    fn hidden_content_and_raw_html_leave_no_trace() {
        assert_eq!(
            text_of("Before<script>alert('x')</script>\n\n<style>p{}</style><!-- note -->After"),
            "Before\n\nAfter"
        );
        assert_eq!(article_search_text(""), "");
        assert_eq!(article_search_text("<img alt>x<img alt=bare>"), "x bare");
    }
}
