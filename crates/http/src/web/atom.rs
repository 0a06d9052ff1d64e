//! Atom 1.0 documents (RFC 4287), written with every text escaped for XML.

use chrono::NaiveDateTime;

/// Media type of Atom feeds.
pub(crate) const ATOM: &str = "application/atom+xml; charset=utf-8";

/// A feed.
#[derive(Clone, Debug)]
pub(crate) struct Feed {
    /// Permanent id (the feed's own URL).
    pub id: String,
    /// Title.
    pub title: String,
    /// Subtitle (omitted when empty).
    pub subtitle: String,
    /// The web page the feed mirrors.
    pub alternate: String,
    /// Newest change of any entry (or now).
    pub updated: NaiveDateTime,
    /// The entries, newest first.
    pub entries: Vec<Entry>,
}

/// An entry of a feed.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// Permanent id (the article's ActivityPub id).
    pub id: String,
    /// Title.
    pub title: String,
    /// Plain-text summary (omitted when empty).
    pub summary: String,
    /// Body as HTML.
    pub content_html: String,
    /// Author's name.
    pub author_name: String,
    /// Author's profile.
    pub author_uri: String,
    /// The web page.
    pub link: String,
    /// Category term and label, if any.
    pub category: Option<(String, String)>,
    /// First publication.
    pub published: NaiveDateTime,
    /// Last change.
    pub updated: NaiveDateTime,
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn date(at: NaiveDateTime) -> String {
    at.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Feed {
    /// The XML document.
    pub(crate) fn render(&self) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
        );
        xml.push_str(&format!("  <id>{}</id>\n", escape(&self.id)));
        xml.push_str(&format!("  <title>{}</title>\n", escape(&self.title)));
        if !self.subtitle.is_empty() {
            xml.push_str(&format!(
                "  <subtitle>{}</subtitle>\n",
                escape(&self.subtitle)
            ));
        }
        xml.push_str(&format!("  <updated>{}</updated>\n", date(self.updated)));
        xml.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&self.id)
        ));
        xml.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&self.alternate)
        ));
        for entry in &self.entries {
            entry.render_into(&mut xml);
        }
        xml.push_str("</feed>\n");
        xml
    }
}

impl Entry {
    fn render_into(&self, xml: &mut String) {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", escape(&self.id)));
        xml.push_str(&format!("    <title>{}</title>\n", escape(&self.title)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&self.link)
        ));
        xml.push_str(&format!(
            "    <published>{}</published>\n",
            date(self.published)
        ));
        xml.push_str(&format!("    <updated>{}</updated>\n", date(self.updated)));
        xml.push_str(&format!(
            "    <author><name>{}</name><uri>{}</uri></author>\n",
            escape(&self.author_name),
            escape(&self.author_uri)
        ));
        if let Some((term, label)) = &self.category {
            xml.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                escape(term),
                escape(label)
            ));
        }
        if !self.summary.is_empty() {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                escape(&self.summary)
            ));
        }
        xml.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            escape(&self.content_html)
        ));
        xml.push_str("  </entry>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("<b>\"Q&A\"</b> it's\u{1}\u{c}\nok"),
            "&lt;b&gt;&quot;Q&amp;A&quot;&lt;/b&gt; it&apos;s\nok"
        );
    }

    #[test]
    fn renders_entries_with_html_content() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let feed = Feed {
            id: "https://x.test/articles/feed.atom".into(),
            title: "A & B".into(),
            subtitle: String::new(),
            alternate: "https://x.test/articles".into(),
            updated: at,
            entries: vec![Entry {
                id: "https://x.test/articles/1".into(),
                title: "T".into(),
                summary: String::new(),
                content_html: "<p>x</p>".into(),
                author_name: "N".into(),
                author_uri: "https://x.test/users/n".into(),
                link: "https://x.test/articles/t".into(),
                category: None,
                published: at,
                updated: at,
            }],
        };
        let xml = feed.render();
        assert!(xml.contains("<title>A &amp; B</title>"));
        assert!(xml.contains("<content type=\"html\">&lt;p&gt;x&lt;/p&gt;</content>"));
        assert!(xml.contains("<updated>2027-01-15T08:00:00Z</updated>"));
        assert!(!xml.contains("<summary>"));
    }
}
