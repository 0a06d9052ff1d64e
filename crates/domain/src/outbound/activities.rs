//! The activities Trellis sends, one builder each: how each is built from what the domain
//! decided, as the protocol crate's typed [`Activity`]. The inbound side (what a received
//! activity does) is in the federation crate.

use serde_json::json;
use url::Url;

use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_protocol::{Activity, ActivityKind, Actor, Audience, Object, Reference, Tombstone};

/// A Follow, Like, Block, Announce or Read: an activity whose object is named by its id.
pub type ByReference = Activity<Reference>;
/// A Create or Update of a post.
pub type OfObject = Activity<Object>;
/// An Update of an actor document.
pub type OfActor = Activity<Actor>;
/// A Delete of a post, which names it with a Tombstone.
pub type OfTombstone = Activity<Tombstone>;
/// An Accept, Reject or Undo: an activity whose object is an earlier activity, embedded.
pub type OfActivity = Activity<Activity<Reference>>;

/// An activity of `kind` by `actor` with the ActivityStreams context. Every id Trellis mints
/// is a URL; one that is not (never expected) becomes the actor's id, so the activity stays
/// well-formed.
fn activity<O>(id: &str, kind: ActivityKind, actor: &str, object: O) -> Activity<O> {
    let actor = url(actor);
    let mut activity = Activity::new(
        Url::parse(id).unwrap_or_else(|_| actor.clone()),
        kind,
        actor,
        object,
    );
    activity.context = Some(json!(ACTIVITYSTREAMS));
    activity
}

/// A stored id as a URL (a stored id that is not one names the unparseable-id placeholder).
pub(crate) fn url(id: &str) -> Url {
    Url::parse(id).unwrap_or_else(|_| Url::parse("urn:trellis:invalid").expect("a URL"))
}

fn reference(id: &str) -> Reference {
    Reference(url(id))
}

/// Addressing from ids (those that are not URLs are left out).
fn audience(to: &[String], cc: &[String]) -> Audience {
    super::audience::references(to, cc)
}

/// Accept and Reject of a Follow.
pub mod accept {
    use trellis_protocol::{Activity, ActivityKind};

    use super::{ByReference, OfActivity, activity};

    /// Builds an Accept or Reject (`kind`) of the given Follow, which is embedded with its
    /// id, actor and object only.
    pub fn build(id: &str, actor: &str, kind: ActivityKind, follow: &ByReference) -> OfActivity {
        let follow = Activity::new(
            follow.id.clone(),
            ActivityKind::Follow,
            follow.actor.url().clone(),
            follow.object.clone(),
        );
        activity(id, kind, actor, follow)
    }
}

/// Announce (boost) of a post.
pub mod announce {
    use chrono::NaiveDateTime;
    use trellis_protocol::ActivityKind;

    use super::{ByReference, activity, audience, reference};

    /// Builds an Announce of `object_uri`.
    pub fn build(
        id: &str,
        actor: &str,
        object_uri: &str,
        to: &[String],
        cc: &[String],
        published: NaiveDateTime,
    ) -> ByReference {
        let mut announce = activity(id, ActivityKind::Announce, actor, reference(object_uri));
        announce.published = Some(published.and_utc());
        announce.addressed = audience(to, cc);
        announce
    }

    /// Builds a group's Announce of an activity, embedded (FEP-1b12): the inner activity's
    /// JSON-LD context moves up to the Announce.
    pub fn of_activity<O>(
        id: &str,
        actor: &str,
        mut inner: trellis_protocol::Activity<O>,
        to: &[String],
        cc: &[String],
    ) -> trellis_protocol::Activity<trellis_protocol::Activity<O>> {
        let context = inner.context.take();
        let mut announce = activity(id, ActivityKind::Announce, actor, inner);
        if context.is_some() {
            announce.context = context;
        }
        announce.addressed = audience(to, cc);
        announce
    }
}

/// `Add` and `Remove` of a post to and from its author's `featured` collection: a pin and an
/// unpin, as Mastodon announces them to followers.
pub mod featured {
    use trellis_protocol::ActivityKind;

    use super::{ByReference, activity, audience, reference};

    /// Builds an Add (`pinned`) or Remove of `object_uri` with `featured` as the target,
    /// addressed to `to`.
    pub fn build(
        id: &str,
        actor: &str,
        pinned: bool,
        object_uri: &str,
        featured: &str,
        to: &[String],
    ) -> ByReference {
        let kind = if pinned {
            ActivityKind::Add
        } else {
            ActivityKind::Remove
        };
        let mut change = activity(id, kind, actor, reference(object_uri));
        change.target = Some(reference(featured));
        change.addressed = audience(to, &[]);
        change
    }
}

/// `Block`: sent to a remote actor that a local person blocks (Mastodon sends it too, so the
/// other server can hide the blocker's content from them). Inbound `Block`s are ignored.
pub mod block {
    use trellis_protocol::ActivityKind;

    use super::{ByReference, activity, reference};

    /// The outgoing `Block` of `target` by `actor`.
    pub fn build(id: &str, actor: &str, target: &str) -> ByReference {
        activity(id, ActivityKind::Block, actor, reference(target))
    }
}

/// Create (or Update) of a note (or another post type) by its author.
pub mod create {
    use trellis_protocol::{ActivityKind, Object};

    use super::{OfObject, activity};

    /// Builds a Create (or Update, by `kind`) wrapping `object`, addressed like the object. The
    /// object's JSON-LD context moves up to the activity, so the terms the object uses (such as
    /// an Article's `official` and `mustRead`) stay defined; every copy of the activity (the
    /// delivered one, the outbox's) is built here and carries the same context.
    pub fn build(id: &str, kind: ActivityKind, actor: &str, object: &Object) -> OfObject {
        let mut object = object.clone();
        let context = object.context.take();
        let mut create = activity(id, kind, actor, object);
        create.published = create.object.updated.or(create.object.published);
        create.addressed = create.object.addressed.clone();
        if context.is_some() {
            create.context = context;
        }
        create
    }

    #[cfg(test)]
    mod tests {
        use serde_json::{Value, json};

        use super::build;
        use trellis_protocol::json::context::ACTIVITYSTREAMS;
        use trellis_protocol::{ActivityKind, Object};

        fn note(context: Value) -> Object {
            serde_json::from_value(json!({
                "@context": context,
                "id": "https://alpha.test/articles/7",
                "type": "Article",
                "attributedTo": "https://alpha.test/users/alice",
                "content": "<p>x</p>",
                "mustRead": true,
                "published": "2026-11-29T10:00:00Z",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            }))
            .expect("note")
        }

        #[test]
        fn the_objects_context_defines_the_activitys_terms() {
            let context = json!([ACTIVITYSTREAMS, {"trellis": "https://trellis.social/ns#",
                                                   "mustRead": "trellis:mustRead"}]);
            let activity = build(
                "https://alpha.test/a/1",
                ActivityKind::Create,
                "https://alpha.test/users/alice",
                &note(context.clone()),
            );
            let activity = serde_json::to_value(&activity).expect("json");
            assert_eq!(activity["@context"], context);
            assert!(activity["object"].get("@context").is_none());
            assert_eq!(activity["object"]["mustRead"], true);
            assert_eq!(activity["published"], "2026-11-29T10:00:00Z");
            assert_eq!(
                activity["to"],
                json!(["https://www.w3.org/ns/activitystreams#Public"])
            );
        }

        #[test]
        fn an_object_without_context_gets_activitystreams() {
            let activity = build(
                "https://alpha.test/a/1",
                ActivityKind::Update,
                "https://alpha.test/users/alice",
                &note(Value::Null),
            );
            let activity = serde_json::to_value(&activity).expect("json");
            assert_eq!(activity["@context"], ACTIVITYSTREAMS);
            assert_eq!(activity["type"], "Update");
        }
    }
}

/// Delete of a post, or of an actor itself.
pub mod delete {
    use trellis_protocol::ActivityKind;
    use trellis_protocol::json::context::PUBLIC;

    use super::{ByReference, OfTombstone, activity, audience, reference};

    /// Builds a Delete of `object_uri`, sent as a Tombstone with the post's former addressing.
    pub fn build(
        id: &str,
        actor: &str,
        object_uri: &str,
        to: &[String],
        cc: &[String],
    ) -> OfTombstone {
        let tombstone = super::super::tombstone::of(object_uri, None, None);
        let mut delete = activity(id, ActivityKind::Delete, actor, tombstone);
        delete.addressed = audience(to, cc);
        delete
    }

    /// Builds the Delete of the actor `actor` by itself, addressed to the public.
    pub fn actor(id: &str, actor: &str) -> ByReference {
        let mut delete = activity(id, ActivityKind::Delete, actor, reference(actor));
        delete.addressed = audience(&[PUBLIC.to_string()], &[]);
        delete
    }
}

/// Flag: a report sent on to the reported account's server, as Mastodon sends it.
pub mod flag {
    use trellis_protocol::{Activity, ActivityKind, Reference};

    use super::{activity, audience, reference};

    /// Builds the Flag by the instance actor `actor` of `objects` (the reported account's id,
    /// then the reported posts' ids) with the reporter's `comment` as its content.
    pub fn build(
        id: &str,
        actor: &str,
        objects: &[String],
        comment: &str,
    ) -> Activity<Vec<Reference>> {
        let to: Vec<String> = objects.first().cloned().into_iter().collect();
        let objects = objects.iter().map(|o| reference(o)).collect();
        let mut flag = activity(id, ActivityKind::Flag, actor, objects);
        flag.addressed = audience(&to, &[]);
        flag.content = Some(comment.to_string());
        flag
    }

    #[cfg(test)]
    mod tests {
        use trellis_protocol::Inbound;

        use super::build;

        #[test]
        fn a_flag_names_the_account_and_posts_and_reads_back() {
            let flag = build(
                "https://alpha.test/activities/1",
                "https://alpha.test/actor",
                &[
                    "https://beta.test/users/bob".into(),
                    "https://beta.test/users/bob/statuses/1".into(),
                ],
                "spam",
            );
            let json = serde_json::to_value(&flag).expect("json");
            assert_eq!(json["type"], "Flag");
            assert_eq!(json["object"][0], "https://beta.test/users/bob");
            assert_eq!(json["content"], "spam");
            assert_eq!(json["to"][0], "https://beta.test/users/bob");
            let Ok(Inbound::Flag(read)) = Inbound::parse(&json) else {
                panic!("a Flag reads back");
            };
            assert_eq!(read.object.len(), 2);
        }
    }
}

/// Follow of an actor.
pub mod follow {
    use trellis_protocol::ActivityKind;

    use super::{ByReference, activity, reference};

    /// Builds a Follow of `target` by `actor`.
    pub fn build(id: &str, actor: &str, target: &str) -> ByReference {
        activity(id, ActivityKind::Follow, actor, reference(target))
    }
}

/// Like of a post.
pub mod like {
    use trellis_protocol::ActivityKind;

    use super::{ByReference, activity, reference};

    /// Builds a Like of `object_uri`.
    pub fn build(id: &str, actor: &str, object_uri: &str) -> ByReference {
        activity(id, ActivityKind::Like, actor, reference(object_uri))
    }
}

/// Read of a must-read article: a reader acknowledges it to the article's instance.
pub mod read {
    use trellis_protocol::ActivityKind;

    use super::{ByReference, activity, audience, reference};

    /// Builds a Read of `article_uri` by `actor`, addressed to the article's author.
    pub fn build(id: &str, actor: &str, article_uri: &str, author: &str) -> ByReference {
        let mut read = activity(id, ActivityKind::Read, actor, reference(article_uri));
        read.addressed = audience(&[author.to_string()], &[]);
        read
    }

    #[cfg(test)]
    mod tests {
        use super::build;

        #[test]
        fn a_read_names_the_article_and_is_addressed_to_its_author() {
            let read = build(
                "https://beta.test/activities/1",
                "https://beta.test/users/bob",
                "https://alpha.test/articles/7",
                "https://alpha.test/users/alice",
            );
            let read = serde_json::to_value(&read).expect("json");
            assert_eq!(read["type"], "Read");
            assert_eq!(read["actor"], "https://beta.test/users/bob");
            assert_eq!(read["object"], "https://alpha.test/articles/7");
            assert_eq!(read["to"][0], "https://alpha.test/users/alice");
            assert!(read["@context"].is_string() || read["@context"].is_array());
        }
    }
}

/// Undo of a Follow, Like, Block or Announce by the actor who made it.
pub mod undo {
    use trellis_protocol::ActivityKind;

    use super::{ByReference, OfActivity, activity};

    /// Builds an Undo of `original` (embedded, without its context).
    pub fn build(id: &str, actor: &str, original: ByReference) -> OfActivity {
        let mut original = original;
        original.context = None;
        activity(id, ActivityKind::Undo, actor, original)
    }
}

/// Update of an actor's document.
pub mod update {
    use trellis_protocol::json::context::PUBLIC;
    use trellis_protocol::{ActivityKind, Actor};

    use super::{OfActor, activity, audience};

    /// Builds the Update of `document` by its actor, addressed to the public. The document
    /// keeps its own context (it defines the actor's extension terms).
    pub fn actor(id: &str, document: Actor) -> OfActor {
        let actor = document.id.to_string();
        let mut update = activity(id, ActivityKind::Update, &actor, document);
        update.addressed = audience(&[PUBLIC.to_string()], &[]);
        update
    }
}

#[cfg(test)]
mod round_trip {
    use chrono::NaiveDate;
    use serde_json::{Value, json};
    use trellis_protocol::json::context::{ACTIVITYSTREAMS, PUBLIC};
    use trellis_protocol::{ActivityKind, Inbound, Object, ObjectKind, Undone};

    use super::*;

    const ALICE: &str = "https://alpha.test/users/alice";
    const BOB: &str = "https://beta.test/users/bob";
    const POST: &str = "https://beta.test/users/bob/statuses/1";

    fn json<T: serde::Serialize>(value: &T) -> Value {
        serde_json::to_value(value).expect("json")
    }

    fn read(value: &Value) -> Inbound {
        Inbound::parse(value).unwrap_or_else(|e| panic!("{e}: {value}"))
    }

    #[test]
    fn every_sent_activity_reads_back_as_its_kind() {
        let follow = follow::build("https://alpha.test/activities/1", ALICE, BOB);
        let like = like::build("https://alpha.test/activities/2", ALICE, POST);
        let at = NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("date");
        let boost = announce::build(
            "https://alpha.test/activities/3",
            ALICE,
            POST,
            &[PUBLIC.to_string()],
            &[BOB.to_string()],
            at,
        );
        let cases: Vec<(Value, ActivityKind)> = vec![
            (json(&follow), ActivityKind::Follow),
            (json(&like), ActivityKind::Like),
            (json(&boost), ActivityKind::Announce),
            (
                json(&block::build("https://alpha.test/a/4", ALICE, BOB)),
                ActivityKind::Block,
            ),
            (
                json(&read::build("https://alpha.test/a/5", ALICE, POST, BOB)),
                ActivityKind::Read,
            ),
            (
                json(&accept::build(
                    "https://beta.test/a/6",
                    BOB,
                    ActivityKind::Accept,
                    &follow,
                )),
                ActivityKind::Accept,
            ),
            (
                json(&undo::build("https://alpha.test/a/7", ALICE, like.clone())),
                ActivityKind::Undo,
            ),
            (
                json(&delete::build(
                    "https://alpha.test/a/8",
                    ALICE,
                    "https://alpha.test/users/alice/statuses/2",
                    &[PUBLIC.to_string()],
                    &[],
                )),
                ActivityKind::Delete,
            ),
            (
                json(&delete::actor(
                    "https://alpha.test/users/alice#delete",
                    ALICE,
                )),
                ActivityKind::Delete,
            ),
        ];
        for (value, kind) in cases {
            assert_eq!(read(&value).kind(), kind, "{value}");
            assert_eq!(value["@context"], ACTIVITYSTREAMS, "{value}");
        }
        assert_eq!(
            json(&boost),
            json!({
                "@context": ACTIVITYSTREAMS,
                "id": "https://alpha.test/activities/3",
                "type": "Announce",
                "actor": ALICE,
                "published": "2026-11-29T10:00:00Z",
                "to": [PUBLIC],
                "cc": [BOB],
                "object": POST,
            })
        );
    }

    #[test]
    fn embedded_activities_keep_only_what_names_them() {
        let follow = follow::build("https://alpha.test/activities/1", ALICE, BOB);
        let accept = json(&accept::build(
            "https://beta.test/a/6",
            BOB,
            ActivityKind::Reject,
            &follow,
        ));
        assert_eq!(
            accept["object"],
            json!({"id": "https://alpha.test/activities/1", "type": "Follow",
                   "actor": ALICE, "object": BOB})
        );
        let Inbound::Reject(reject) = read(&accept) else {
            panic!("not a Reject: {accept}");
        };
        assert!(matches!(&reject.object, Undone::Activity(f) if f.kind() == ActivityKind::Follow));
        let undo = json(&undo::build("https://alpha.test/a/7", ALICE, follow));
        assert!(undo["object"].get("@context").is_none());
    }

    #[test]
    fn a_post_and_its_update_read_back_as_the_same_object() {
        let mut note = Object::new(
            url("https://alpha.test/users/alice/statuses/2"),
            ObjectKind::Note,
        );
        note.attributed_to = trellis_protocol::Many(vec![Reference(url(ALICE))]);
        note.content = Some("<p>hi</p>".into());
        note.addressed = audience(&[PUBLIC.to_string()], &[]);
        let create = json(&create::build(
            "https://alpha.test/users/alice/statuses/2/activity",
            ActivityKind::Create,
            ALICE,
            &note,
        ));
        let Inbound::Create(read_back) = read(&create) else {
            panic!("not a Create: {create}");
        };
        assert_eq!(*read_back.object, note);
        assert_eq!(create["object"]["to"], json!([PUBLIC]));
        assert_eq!(create["to"], json!([PUBLIC]));
    }
}
