//! The fields of a community as people write them, checked.

use crate::services::{ServiceError, validation};
use trellis_storage::models::community::{CommunityVisibility, Membership, Posting};

/// Longest title, in characters.
const TITLE_MAX: usize = 100;
/// Longest description, in characters.
const DESCRIPTION_MAX: usize = 2000;

/// What a creator or moderator sends; absent fields keep their value (or the default).
#[derive(Clone, Debug, Default)]
pub struct CommunityInput {
    /// The handle (creation only).
    pub name: Option<String>,
    /// Display title.
    pub title: Option<String>,
    /// Plain-text description.
    pub description: Option<String>,
    /// `members` or `moderators`.
    pub posting: Option<String>,
    /// `open` or `approval`.
    pub membership: Option<String>,
    /// `public` or `members`.
    pub visibility: Option<String>,
}

/// A handle: a username of this instance.
pub(super) fn name(text: &str) -> Result<String, ServiceError> {
    let name = text.trim().to_string();
    validation::username(&name).map_err(|m| ServiceError::invalid("name", m))?;
    Ok(name)
}

/// A title: not blank, at most [`TITLE_MAX`] characters.
pub(super) fn title(text: &str) -> Result<String, ServiceError> {
    let title = text.trim().to_string();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(ServiceError::invalid(
            "title",
            format!("must be 1 to {TITLE_MAX} characters"),
        ));
    }
    Ok(title)
}

/// A description: at most [`DESCRIPTION_MAX`] characters.
pub(super) fn description(text: &str) -> Result<String, ServiceError> {
    let description = text.trim().to_string();
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(ServiceError::invalid(
            "description",
            format!("must be at most {DESCRIPTION_MAX} characters"),
        ));
    }
    Ok(description)
}

/// One of a closed set of names, or `current` when absent.
pub(super) fn choice<T: Copy>(
    field: &'static str,
    text: Option<&str>,
    current: T,
    parse: fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<T, ServiceError> {
    match text {
        None => Ok(current),
        Some(text) => parse(text.trim())
            .ok_or_else(|| ServiceError::invalid(field, format!("must be {allowed}"))),
    }
}

/// The posting, membership and visibility of `input` over `current` values.
pub(super) fn settings(
    input: &CommunityInput,
    current: (Posting, Membership, CommunityVisibility),
) -> Result<(Posting, Membership, CommunityVisibility), ServiceError> {
    Ok((
        choice(
            "posting",
            input.posting.as_deref(),
            current.0,
            Posting::parse,
            "members or moderators",
        )?,
        choice(
            "membership",
            input.membership.as_deref(),
            current.1,
            Membership::parse,
            "open or approval",
        )?,
        choice(
            "visibility",
            input.visibility.as_deref(),
            current.2,
            CommunityVisibility::parse,
            "public or members",
        )?,
    ))
}
