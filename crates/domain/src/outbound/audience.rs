//! Addressing: Mastodon-compatible `to`/`cc` for each visibility, and the reverse mapping.

use trellis_storage::models::post::Visibility;

use trellis_protocol::json::context::PUBLIC;
use trellis_protocol::{Audience, Reference};

/// `to` and `cc` of an object by `visibility`, from the author's followers collection and the
/// ids of mentioned actors.
pub fn addressing(
    visibility: Visibility,
    followers: &str,
    mentioned: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut to = Vec::new();
    let mut cc = Vec::new();
    match visibility {
        Visibility::Public => {
            to.push(PUBLIC.to_string());
            cc.push(followers.to_string());
            cc.extend(mentioned.iter().cloned());
        }
        Visibility::Unlisted => {
            to.push(followers.to_string());
            cc.push(PUBLIC.to_string());
            cc.extend(mentioned.iter().cloned());
        }
        Visibility::Private => {
            to.push(followers.to_string());
            cc.extend(mentioned.iter().cloned());
        }
        Visibility::Direct => to.extend(mentioned.iter().cloned()),
    }
    (to, cc)
}

/// The visibility an incoming object's addressing expresses.
pub fn visibility_of(to: &[String], cc: &[String], followers: Option<&str>) -> Visibility {
    let is_public = |s: &String| s == PUBLIC || s == "as:Public" || s == "Public";
    if to.iter().any(is_public) {
        Visibility::Public
    } else if cc.iter().any(is_public) {
        Visibility::Unlisted
    } else if followers.is_some_and(|f| to.iter().chain(cc).any(|s| s == f)) {
        Visibility::Private
    } else {
        Visibility::Direct
    }
}

/// `to` and `cc` as an object's addressing (ids that are not URLs are left out).
pub fn references(to: &[String], cc: &[String]) -> Audience {
    let parse = |ids: &[String]| ids.iter().filter_map(|id| Reference::parse(id)).collect();
    Audience::new(parse(to), parse(cc))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLLOWERS: &str = "https://a.example/users/alice/followers";

    #[test]
    fn round_trips_every_visibility() {
        let mentioned = vec!["https://b.example/users/bob".to_string()];
        for visibility in [
            Visibility::Public,
            Visibility::Unlisted,
            Visibility::Private,
            Visibility::Direct,
        ] {
            let (to, cc) = addressing(visibility, FOLLOWERS, &mentioned);
            assert_eq!(visibility_of(&to, &cc, Some(FOLLOWERS)), visibility);
        }
    }

    #[test]
    fn mastodon_shapes() {
        let (to, cc) = addressing(Visibility::Public, FOLLOWERS, &[]);
        assert_eq!(to, vec![PUBLIC]);
        assert_eq!(cc, vec![FOLLOWERS]);
        assert_eq!(
            visibility_of(&["as:Public".into()], &[], None),
            Visibility::Public
        );
    }
}
