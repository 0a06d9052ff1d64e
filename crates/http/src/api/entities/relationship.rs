//! The Relationship entity.

use serde::Serialize;

use trellis_domain::services::relationships::Relationship;

/// `Relationship`: how the reader relates to one account.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RelationshipEntity {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

impl From<&Relationship> for RelationshipEntity {
    fn from(r: &Relationship) -> Self {
        Self {
            id: r.id.to_string(),
            following: r.following,
            showing_reblogs: r.showing_reblogs,
            notifying: r.notifying,
            languages: None,
            followed_by: r.followed_by,
            blocking: r.blocking,
            blocked_by: r.blocked_by,
            muting: r.muting,
            muting_notifications: r.muting_notifications,
            requested: r.requested,
            requested_by: r.requested_by,
            domain_blocking: r.domain_blocking,
            endorsed: r.endorsed,
            note: r.note.clone(),
        }
    }
}
