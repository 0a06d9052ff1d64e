//! Validation of what writers send: each rejected value is a 422 naming its field.

use chrono::NaiveDate;

use super::ArticleStatus;
use crate::services::ServiceError;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest summary, in characters.
pub const MAX_SUMMARY: usize = 1000;
/// Longest body, in characters.
pub const MAX_BODY: usize = 200_000;
/// Longest slug, in characters.
pub const MAX_SLUG: usize = 100;
/// Most hashtags on one article.
pub const MAX_TAGS: usize = 20;

/// A trimmed, non-blank title.
pub fn title(text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::invalid("title", "can't be blank"));
    }
    if text.chars().count() > MAX_TITLE {
        return Err(ServiceError::invalid(
            "title",
            format!("is longer than {MAX_TITLE} characters"),
        ));
    }
    Ok(text.to_string())
}

/// A trimmed summary.
pub fn summary(text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    if text.chars().count() > MAX_SUMMARY {
        return Err(ServiceError::invalid(
            "summary",
            format!("is longer than {MAX_SUMMARY} characters"),
        ));
    }
    Ok(text.to_string())
}

/// A Markdown body within the size limit.
pub fn body(text: &str) -> Result<String, ServiceError> {
    if text.chars().count() > MAX_BODY {
        return Err(ServiceError::invalid(
            "body",
            format!("is longer than {MAX_BODY} characters"),
        ));
    }
    Ok(text.to_string())
}

/// draft, published or archived.
pub fn status(text: &str) -> Result<ArticleStatus, ServiceError> {
    ArticleStatus::parse(text.trim()).ok_or_else(|| {
        ServiceError::invalid("status", "must be one of draft, published or archived")
    })
}

/// A review date as `YYYY-MM-DD` (empty: none).
pub fn review_by(text: &str) -> Result<Option<NaiveDate>, ServiceError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| {
            // Accept a full timestamp and keep its day.
            chrono::DateTime::parse_from_rfc3339(text).map(|t| t.date_naive())
        })
        .map_err(|_| ServiceError::invalid("review_by", "must be a date like 2027-01-31"))?;
    Ok(Some(date))
}

/// Hashtags: `#` stripped, lower-cased, comma- or space-separated values split, duplicates
/// removed. Letters, digits and underscores only.
pub fn tags(values: &[String]) -> Result<Vec<String>, ServiceError> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        for part in value.split([',', ' ', '\t', '\n']) {
            let name = part.trim().trim_start_matches('#').to_lowercase();
            if name.is_empty() {
                continue;
            }
            if name.chars().count() > 64 || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(ServiceError::invalid(
                    "tags",
                    format!("{part:?} is not a hashtag (letters, digits and _ only)"),
                ));
            }
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    if out.len() > MAX_TAGS {
        return Err(ServiceError::invalid(
            "tags",
            format!("has more than {MAX_TAGS} hashtags"),
        ));
    }
    Ok(out)
}

/// A slug derived from free text: lower-case ASCII letters and digits joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= MAX_SLUG {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "article".into()
    } else {
        slug
    }
}

/// A slug given explicitly: lower-case letters, digits and `-`, 1 to 100 characters.
pub fn slug(field: &'static str, text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    let valid = !text.is_empty()
        && text.len() <= MAX_SLUG
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(text.to_string())
    } else {
        Err(ServiceError::invalid(
            field,
            "must be 1 to 100 lower-case letters, digits and dashes",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_derived_from_titles() {
        assert_eq!(
            slugify("Onboarding: Your First Week!"),
            "onboarding-your-first-week"
        );
        assert_eq!(slugify("  Ça va? "), "a-va");
        assert_eq!(slugify("???"), "article");
    }

    #[test]
    fn tags_are_normalised() {
        let tags = tags(&["#HR, onboarding".into(), "hr".into()]).unwrap();
        assert_eq!(tags, vec!["hr".to_string(), "onboarding".to_string()]);
        assert!(super::tags(&["no-dash".into()]).is_err());
    }

    #[test]
    fn review_dates_parse() {
        assert_eq!(
            review_by("2027-01-31").unwrap(),
            NaiveDate::from_ymd_opt(2027, 1, 31)
        );
        assert_eq!(review_by("").unwrap(), None);
        assert!(review_by("next week").is_err());
    }
}
