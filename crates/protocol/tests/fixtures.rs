//! Every activity and object that real servers sent (../shared/fixtures/activitypub, beside
//! the repository) parses into its type: activities into `Inbound`, posts into `Object`,
//! actors into `Actor`, deletions into `Tombstone`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use trellis_protocol::{
    Activity, ActivityKind, Actor, Announced, Inbound, Object, ObjectKind, Reference, Tombstone,
    Undone, Updated,
};

/// The fixtures folder, next to the repository; a missing folder fails every test here.
fn fixtures_dir() -> PathBuf {
    let dir = federation_tests::generate::fixtures_dir();
    assert!(
        dir.is_dir(),
        "the ActivityPub fixtures are missing: expected them at {}",
        dir.display()
    );
    dir
}

fn json_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures folder readable") {
        let path = entry.expect("fixture entry").path();
        if path.is_dir() {
            json_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "json") {
            found.push(path);
        }
    }
}

fn all_fixtures() -> Vec<(PathBuf, Value)> {
    let mut paths = Vec::new();
    json_files(&fixtures_dir(), &mut paths);
    paths.sort();
    assert!(
        paths.len() > 100,
        "expected the whole fixture set, found {}",
        paths.len()
    );
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("fixture readable");
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
            (path, value)
        })
        .collect()
}

fn fixture(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn every_fixture_of_a_handled_kind_parses_into_its_type() {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (path, value) in all_fixtures() {
        let name = path.display();
        let activity_kind = ActivityKind::of(&value);
        let object_kind = ObjectKind::of(&value);
        let what = match (activity_kind, object_kind) {
            (Some(ActivityKind::Other(kind)), _) if kind == "Resolve" || kind == "Warn" => {
                let parsed = Inbound::parse(&value).expect("unknown kinds parse");
                assert!(matches!(parsed, Inbound::Unsupported(_)), "{name}");
                "unsupported activity"
            }
            (Some(kind), _) if !matches!(kind, ActivityKind::Other(_)) => {
                let parsed =
                    Inbound::parse(&value).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
                assert_eq!(parsed.kind(), kind, "{name}");
                assert!(!matches!(parsed, Inbound::Unsupported(_)), "{name}");
                "activity"
            }
            (_, Some(ObjectKind::Tombstone)) => {
                let tombstone: Tombstone = serde_json::from_value(value)
                    .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
                assert_eq!(tombstone.kind, ObjectKind::Tombstone);
                "tombstone"
            }
            (_, Some(kind)) if kind.is_actor() => {
                let actor: Actor = serde_json::from_value(value)
                    .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
                assert!(actor.inbox.scheme().starts_with("http"), "{name}");
                "actor"
            }
            (_, Some(kind)) if kind.is_post() => {
                let object: Object = serde_json::from_value(value)
                    .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
                assert_eq!(object.kind, kind, "{name}");
                assert!(object.author().is_some(), "{name} has no author");
                "post"
            }
            (_, Some(ObjectKind::Collection | ObjectKind::OrderedCollection)) => "collection",
            other => panic!("{name}: a fixture of a kind the tests do not know: {other:?}"),
        };
        *counts.entry(what).or_default() += 1;
    }
    assert!(counts["activity"] >= 60, "{counts:?}");
    assert!(counts["post"] >= 25, "{counts:?}");
    assert!(counts["actor"] >= 20, "{counts:?}");
}

#[test]
fn lemmy_relays_a_create_inside_an_announce() {
    let parsed = Inbound::parse(&fixture(
        "lemmy/activities/community/announce_create_page.json",
    ))
    .unwrap();
    let Inbound::Announce(announce) = parsed else {
        panic!("not an Announce: {parsed:?}")
    };
    assert_eq!(announce.actor.as_str(), "http://enterprise.lemmy.ml/c/main");
    let Announced::Activity(inner) = announce.object else {
        panic!("the relayed activity was not read as one")
    };
    let Inbound::Create(create) = *inner else {
        panic!("the relayed activity is not a Create")
    };
    assert_eq!(
        create.actor.as_str(),
        "http://enterprise.lemmy.ml/u/lemmy_beta"
    );
    assert_eq!(create.object.kind, ObjectKind::Page);
    assert_eq!(create.object.name.as_deref(), Some("post 4"));
    assert!(create.object.addressed.public_in_to());
}

#[test]
fn a_boost_by_id_and_an_undo_of_a_like_keep_their_references() {
    let Inbound::Announce(boost) =
        Inbound::parse(&fixture("peertube/activities/announce_video.json")).unwrap()
    else {
        panic!("not an Announce")
    };
    assert!(matches!(boost.object, Announced::Reference(_)));
    assert!(!boost.addressed.public_in_to() || boost.addressed.to.len() == 1);

    let Inbound::Undo(undo) =
        Inbound::parse(&fixture("mastodon/activities/undo_like_page.json")).unwrap()
    else {
        panic!("not an Undo")
    };
    let Undone::Activity(like) = undo.object else {
        panic!("the embedded Like was not read")
    };
    let Inbound::Like(like) = *like else {
        panic!("not a Like")
    };
    assert_eq!(like.object.as_str(), "https://ds9.lemmy.ml/post/147");
}

#[test]
fn a_report_names_every_reported_object_and_keeps_its_comment() {
    let Inbound::Flag(flag) = Inbound::parse(&fixture("mastodon/activities/flag.json")).unwrap()
    else {
        panic!("not a Flag")
    };
    let reported: Vec<&str> = flag.object.iter().map(Reference::as_str).collect();
    assert_eq!(
        reported,
        [
            "https://example.com/users/1",
            "https://example.com/posts/380590",
            "https://example.com/posts/380591"
        ]
    );
    assert_eq!(
        flag.content.as_deref(),
        Some("Please take a look at this user and their posts")
    );
}

#[test]
fn an_accept_embeds_the_follow_it_accepts() {
    let Inbound::Accept(accept) = Inbound::parse(&fixture("mbin/activities/accept.json")).unwrap()
    else {
        panic!("not an Accept")
    };
    let Undone::Activity(follow) = accept.object else {
        panic!("the Follow was not read")
    };
    let Inbound::Follow(follow) = *follow else {
        panic!("not a Follow")
    };
    assert_eq!(
        follow.object.as_str(),
        "https://some-mbin.instance/m/someMag"
    );
}

#[test]
fn an_update_of_a_community_is_an_actor_update() {
    let parsed =
        Inbound::parse(&fixture("lemmy/activities/community/update_community.json")).unwrap();
    let Inbound::Update(Activity { object, .. }) = parsed else {
        panic!("not an Update")
    };
    assert!(matches!(object, Updated::Actor(actor) if actor.kind == ObjectKind::Group));
}

#[test]
fn known_kinds_without_their_parts_are_refused_with_a_reason() {
    let no_object = serde_json::json!({
        "id": "https://a.example/1", "type": "Like", "actor": "https://a.example/u"
    });
    let error = Inbound::parse(&no_object).unwrap_err();
    assert!(error.0.contains("no object"), "{error}");
    let no_actor = serde_json::json!({
        "id": "https://a.example/1", "type": "Follow", "object": "https://b.example/u"
    });
    assert!(Inbound::parse(&no_actor).unwrap_err().0.contains("actor"));
    let mut nested = serde_json::json!("https://a.example/note");
    for n in 0..10 {
        nested = serde_json::json!({
            "id": format!("https://a.example/a{n}"), "type": "Undo",
            "actor": "https://a.example/u", "object": nested
        });
    }
    assert!(Inbound::parse(&nested).unwrap_err().0.contains("nested"));
}
