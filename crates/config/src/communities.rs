//! Community settings: which roles may create communities.

use std::collections::HashMap;

use serde::Deserialize;

use crate::{ConfigError, invalid};

/// The least role that may create communities; every role above it may too (admins
/// always may).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommunityCreators {
    /// Everyone with an account.
    Member,
    /// Editors and admins.
    Editor,
    /// Moderators and admins.
    Moderator,
    /// Admins only.
    Admin,
}

/// Community settings.
#[derive(Clone, Debug)]
pub struct CommunitySettings {
    /// Who may create communities.
    pub creators: CommunityCreators,
}

/// The `[communities]` table of the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCommunities {
    creators: Option<String>,
}

/// Reads `TRELLIS_COMMUNITY_CREATORS` (or `[communities] creators`), `member` by default.
pub(crate) fn community_settings(
    file: FileCommunities,
    env: &HashMap<String, String>,
) -> Result<CommunitySettings, ConfigError> {
    let creators = match env
        .get("TRELLIS_COMMUNITY_CREATORS")
        .cloned()
        .or(file.creators)
    {
        None => CommunityCreators::Member,
        Some(text) => match text.trim() {
            "member" => CommunityCreators::Member,
            "editor" => CommunityCreators::Editor,
            "moderator" => CommunityCreators::Moderator,
            "admin" => CommunityCreators::Admin,
            _ => {
                return Err(invalid(
                    "TRELLIS_COMMUNITY_CREATORS",
                    &text,
                    "expected member, editor, moderator or admin".into(),
                ));
            }
        },
    };
    Ok(CommunitySettings { creators })
}
