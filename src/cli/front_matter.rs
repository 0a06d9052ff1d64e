//! The front matter of an imported Markdown file: `key: value` lines between two `---` lines.
//! Values may be quoted; `tags` may be a `[a, b]` list, a comma-separated value or `- item`
//! lines under `tags:`.

use std::collections::HashMap;

/// A Markdown file split into its front matter and its body.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Scalar keys, lower-cased, with unquoted values.
    pub fields: HashMap<String, String>,
    /// Items of list-valued keys (`tags`).
    pub lists: HashMap<String, Vec<String>>,
    /// Everything after the front matter.
    pub body: String,
}

impl Document {
    /// A scalar value, if present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean value (`true`/`yes`/`1`/`on`); absent or anything else is false.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "on"))
    }

    /// The items of a list key, or the comma-separated parts of a scalar one.
    pub fn list(&self, key: &str) -> Vec<String> {
        if let Some(items) = self.lists.get(key) {
            return items.clone();
        }
        self.get(key)
            .map(|v| {
                v.trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|s| unquote(s.trim()).to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn unquote(value: &str) -> &str {
    let value = value.trim();
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// Splits a file into front matter and body. A file without a leading `---` line has no
/// front matter; one whose front matter never closes is read as having none.
pub fn parse(text: &str) -> Document {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Document::default();
    };
    if first.trim_end() != "---" {
        return Document {
            body: text.to_string(),
            ..Default::default()
        };
    }
    let mut document = Document::default();
    let mut current_list: Option<String> = None;
    let mut consumed = first.len();
    let mut closed = false;
    for line in lines {
        consumed += line.len();
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            closed = true;
            break;
        }
        if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        if let Some(item) = trimmed.trim_start().strip_prefix("- ")
            && let Some(key) = &current_list
        {
            let item = unquote(item).to_string();
            if !item.is_empty() {
                document.lists.entry(key.clone()).or_default().push(item);
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if value.is_empty() {
            current_list = Some(key.clone());
            document.lists.entry(key).or_default();
        } else {
            current_list = None;
            document.fields.insert(key, unquote(value).to_string());
        }
    }
    if !closed {
        return Document {
            body: text.to_string(),
            ..Default::default()
        };
    }
    document.body = text[consumed..]
        .trim_start_matches(['\r', '\n'])
        .to_string();
    document
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_keys_lists_and_body() {
        let doc = parse(
            "---\ntitle: \"Onboarding: week one\"\ntags: [hr, 'new staff']\nofficial: yes\n\
             categories:\n  - a\n  - b\n---\n\n# Hello\n",
        );
        assert_eq!(doc.get("title"), Some("Onboarding: week one"));
        assert_eq!(doc.list("tags"), vec!["hr", "new staff"]);
        assert_eq!(doc.list("categories"), vec!["a", "b"]);
        assert!(doc.flag("official"));
        assert!(!doc.flag("must_read"));
        assert_eq!(doc.body, "# Hello\n");
    }

    #[test]
    fn files_without_front_matter_are_all_body() {
        let doc = parse("# Just text\n");
        assert!(doc.fields.is_empty());
        assert_eq!(doc.body, "# Just text\n");
        let unclosed = parse("---\ntitle: x\n");
        assert_eq!(unclosed.get("title"), None);
    }

    #[test]
    fn comma_separated_tags() {
        let doc = parse("---\ntags: hr, onboarding\n---\nbody");
        assert_eq!(doc.list("tags"), vec!["hr", "onboarding"]);
        assert_eq!(doc.body, "body");
    }
}
