//! Who may do what in communities: create them (an instance setting names the least role),
//! moderate them (their moderators and the instance's admins) and post in them.

use trellis_config::communities::CommunityCreators;
use trellis_storage::models::community::{Community, CommunityModerator, Posting};
use trellis_storage::models::post::Visibility;
use trellis_storage::models::user::Role;
use trellis_storage::{DbConnection, DbError};

use crate::services::ServiceError;
use crate::services::articles::permissions::role_of;

/// Whether a person of `role` may create communities under the `creators` setting.
pub(super) fn ensure_may_create(
    role: Role,
    creators: CommunityCreators,
) -> Result<(), ServiceError> {
    let allowed = match creators {
        CommunityCreators::Member => true,
        CommunityCreators::Editor => matches!(role, Role::Editor | Role::Admin),
        CommunityCreators::Moderator => matches!(role, Role::Moderator | Role::Admin),
        CommunityCreators::Admin => role == Role::Admin,
    };
    if allowed {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "your role may not create communities on this instance".into(),
        ))
    }
}

/// Whether `account_id` moderates the community: one of its moderators, or an admin here.
pub(super) fn moderates(
    conn: &mut DbConnection,
    community_id: i64,
    account_id: i64,
) -> Result<bool, DbError> {
    Ok(CommunityModerator::is(conn, community_id, account_id)?
        || role_of(conn, account_id)? == Role::Admin)
}

/// [`moderates`], as the answer to a request.
pub(super) fn ensure_moderates(
    conn: &mut DbConnection,
    community_id: i64,
    account_id: i64,
) -> Result<Result<(), ServiceError>, DbError> {
    Ok(if moderates(conn, community_id, account_id)? {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only the community's moderators may do this".into(),
        ))
    })
}

/// Why `author_id` may not post a post of `visibility` in the community, if they may not:
/// archived communities take no posts, `moderators` communities only their moderators', and
/// `members` communities only their members' and moderators'. Posts in a community are public
/// or unlisted, since the group shares them.
pub(crate) fn refusal(
    conn: &mut DbConnection,
    community: &Community,
    author_id: i64,
    visibility: Visibility,
) -> Result<Option<String>, DbError> {
    if community.archived_at.is_some() {
        return Ok(Some(
            "the community is archived and takes no new posts".into(),
        ));
    }
    if !matches!(visibility, Visibility::Public | Visibility::Unlisted) {
        return Ok(Some(
            "posts in a community must be public or unlisted".into(),
        ));
    }
    if CommunityModerator::is(conn, community.account_id, author_id)? {
        return Ok(None);
    }
    Ok(match community.posting {
        Posting::Moderators => Some("only the community's moderators may post in it".into()),
        Posting::Members if !Community::is_member(conn, community.account_id, author_id)? => {
            Some("only members may post in this community: join it (follow it) first".into())
        }
        Posting::Members => None,
    })
}
