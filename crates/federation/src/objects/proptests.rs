//! Property tests of the readers of documents from other servers that need no database: the
//! JSON-LD value helpers, addressing, and the conversion of notes, articles and actors into
//! rows, on arbitrary JSON and on mutations of real servers' documents.

use std::sync::OnceLock;

use federation_tests::generate::{DEFAULT_CASES, config, fixtures, json_value, mutated};
use proptest::prelude::*;
use serde_json::Value;

use super::article::remote_fields;
use super::note::render_remote_content;
use super::person::remote_account_from_document;
use serde::Deserialize;
use trellis_content::html_check::{ARTICLE, REMOTE, violation};
use trellis_domain::outbound::audience::{addressing, visibility_of};
use trellis_protocol::Actor as ActorDocument;
use trellis_protocol::Object as NoteJson;
use trellis_protocol::json::context::PUBLIC;
use trellis_protocol::{Audience, Inbound};
use trellis_storage::models::post::Visibility;

/// The real servers' documents in the shared fixtures (loaded once per test binary).
fn real_documents() -> &'static [(String, Value)] {
    static DOCUMENTS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    DOCUMENTS.get_or_init(|| fixtures(&federation_tests::generate::fixtures_dir()))
}

/// A real document with a few mutations, or arbitrary JSON.
fn document() -> impl Strategy<Value = Value> {
    let real = prop::sample::select(real_documents().to_vec())
        .prop_flat_map(|(_, value)| mutated(value, json_value(3, 4), 4));
    prop_oneof![3 => real, 1 => json_value(4, 6)]
}

/// The document and, for an activity, the object it carries.
fn candidates(value: &Value) -> Vec<Value> {
    let mut out = vec![value.clone()];
    out.extend(value.get("object").filter(|o| o.is_object()).cloned());
    out
}

fn visibility() -> impl Strategy<Value = Visibility> {
    prop::sample::select(vec![
        Visibility::Public,
        Visibility::Unlisted,
        Visibility::Private,
        Visibility::Direct,
    ])
}

proptest! {
    #![proptest_config(config(DEFAULT_CASES))]

    #[test]
    fn typed_readers_take_any_json(value in document()) {
        // Reading never panics, and an activity that reads keeps the id the document names.
        if let Some(id) = Inbound::parse(&value).ok().as_ref().and_then(Inbound::id) {
            let named = value.get("id").and_then(Value::as_str).and_then(|s| url::Url::parse(s).ok());
            prop_assert_eq!(named.as_ref(), Some(id));
        }
        if let Ok(audience) = Audience::deserialize(&value) {
            let to = audience.to_ids();
            let cc = audience.cc_ids();
            for id in to.iter().chain(&cc) {
                prop_assert!(url::Url::parse(id).is_ok(), "{id} is not a URL");
            }
            let _ = visibility_of(&to, &cc, None);
        }
    }

    #[test]
    fn addressing_round_trips_for_any_collection_and_mentions(
        visibility in visibility(),
        followers in "[ -~]{1,40}",
        mentioned in prop::collection::vec("[ -~]{1,40}", 0..4),
    ) {
        let public = |s: &String| s == PUBLIC || s == "as:Public" || s == "Public";
        prop_assume!(!public(&followers));
        prop_assume!(!mentioned.iter().any(|m| public(m) || *m == followers));
        // A direct post addresses only its mentions: with none it is still direct.
        let (to, cc) = addressing(visibility, &followers, &mentioned);
        prop_assert_eq!(visibility_of(&to, &cc, Some(&followers)), visibility);
    }

    #[test]
    fn notes_and_articles_from_any_json_become_safe_rows(value in document()) {
        for candidate in candidates(&value) {
            let Ok(note) = serde_json::from_value::<NoteJson>(candidate) else {
                continue;
            };
            let content = render_remote_content(&note);
            if let Some(problem) = violation(&content, &REMOTE) {
                prop_assert!(false, "{problem} in {content:?} from {note:?}");
            }
            let article = remote_fields(&note);
            if let Some(problem) = violation(&article.body_html, &ARTICLE) {
                prop_assert!(false, "{problem} in {:?} from {note:?}", article.body_html);
            }
            prop_assert!(!article.title.is_empty());
            prop_assert_eq!(
                article.title.split_whitespace().collect::<Vec<_>>().join(" "),
                article.title.clone()
            );
            if let Some(category) = &article.category {
                prop_assert!(!category.is_empty() && category.trim() == category);
            }
        }
    }

    #[test]
    fn actors_from_any_json_become_safe_rows(value in document()) {
        for candidate in candidates(&value) {
            let Ok(actor) = serde_json::from_value::<ActorDocument>(candidate) else {
                continue;
            };
            let Ok(row) = remote_account_from_document(&actor, 1) else {
                continue;
            };
            if let Some(problem) = violation(&row.bio, &REMOTE) {
                prop_assert!(false, "{problem} in {:?} from {actor:?}", row.bio);
            }
            prop_assert!(!row.display_name.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            prop_assert_eq!(row.uri, actor.id.to_string());
            prop_assert!(serde_json::from_str::<Vec<String>>(&row.expertise).is_ok());
        }
    }
}
