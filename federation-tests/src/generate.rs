//! Generators for property tests of the code that reads what other servers send: the case
//! count (from `PROPTEST_CASES`), arbitrary JSON values of bounded size, the real servers'
//! documents in the shared fixtures, and mutations of them.

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value, json};

/// Cases per property when `PROPTEST_CASES` is not set: small enough that every property
/// test together stays within a few tens of seconds in a debug build.
pub const DEFAULT_CASES: u32 = 64;

/// The number of cases to run: `PROPTEST_CASES`, or `default` when unset or invalid.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// A proptest configuration with [`cases`] cases and no failure files: a failure prints the
/// minimal input, which becomes a named regression test next to the code.
pub fn config(default_cases: u32) -> Config {
    Config {
        cases: cases(default_cases),
        failure_persistence: None,
        ..Config::default()
    }
}

/// ActivityStreams types, so that generated objects reach the code behind each of them.
pub const TYPES: &[&str] = &[
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Like",
    "Announce",
    "Read",
    "Block",
    "Note",
    "Article",
    "Page",
    "Question",
    "Person",
    "Group",
    "Service",
    "Application",
    "Tombstone",
    "Mention",
    "Hashtag",
    "PropertyValue",
    "Image",
    "Document",
    "Collection",
    "OrderedCollection",
    "Link",
];

/// Property names the readers look at.
pub const KEYS: &[&str] = &[
    "id",
    "type",
    "actor",
    "object",
    "target",
    "to",
    "cc",
    "bto",
    "bcc",
    "audience",
    "attributedTo",
    "content",
    "contentMap",
    "name",
    "summary",
    "sensitive",
    "inReplyTo",
    "published",
    "updated",
    "tag",
    "attachment",
    "url",
    "href",
    "replies",
    "mediaType",
    "preview",
    "category",
    "official",
    "mustRead",
    "preferredUsername",
    "inbox",
    "outbox",
    "followers",
    "following",
    "endpoints",
    "sharedInbox",
    "publicKey",
    "publicKeyPem",
    "owner",
    "icon",
    "image",
    "discoverable",
    "manuallyApprovesFollowers",
    "value",
    "@context",
];

/// Scalars that tend to break readers: empty and huge strings, odd numbers, odd text.
fn odd_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        Just(json!(-0.0)),
        Just(json!(1e308)),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!("")),
        Just(json!(" ")),
        Just(Value::String("x".repeat(20_000))),
        Just(json!("2024-13-45T99:99:99Z")),
        Just(json!("1970-01-01T00:00:00Z")),
        Just(json!("+275760-09-13T00:00:00Z")),
        Just(json!("https://www.w3.org/ns/activitystreams#Public")),
        Just(json!("as:Public")),
        Just(json!("http://[::1")),
        Just(json!("https://")),
        Just(json!("javascript:alert(1)")),
        Just(json!("<script>alert(1)</script>")),
        Just(json!("\u{0}\u{202e}\u{fffd}\u{10ffff}")),
        Just(json!("#\u{301}")),
        prop::sample::select(TYPES).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ]
}

/// Arbitrary JSON of at most `depth` levels of nesting and `width` items per array or object,
/// with keys drawn mostly from the names the readers look at.
pub fn json_value(depth: u32, width: usize) -> BoxedStrategy<Value> {
    let key = prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-zA-Z@:]{0,8}",
    ];
    odd_scalar()
        .prop_recursive(
            depth,
            (width * depth as usize) as u32 * 4,
            width as u32,
            move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..width).prop_map(Value::Array),
                    prop::collection::vec((key.clone(), inner), 0..width)
                        .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
                ]
            },
        )
        .boxed()
}

/// The real servers' ActivityPub documents: `../shared/fixtures/activitypub` beside the
/// repository (whichever crate's tests ask).
pub fn fixtures_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/activitypub")
}

/// The JSON documents under `dir` (recursively), by path relative to `dir`, sorted.
///
/// Panics when the folder is missing or holds no document: property tests that are meant to
/// replay real servers' documents must not pass silently without them.
pub fn fixtures(dir: &Path) -> Vec<(String, Value)> {
    assert!(
        dir.is_dir(),
        "the ActivityPub fixtures are missing: {} is not a folder",
        dir.display()
    );
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                if let Ok(value) = serde_json::from_str(&text) {
                    let name = path
                        .strip_prefix(dir)
                        .unwrap_or(&path)
                        .display()
                        .to_string();
                    found.push((name, value));
                }
            }
        }
    }
    assert!(!found.is_empty(), "no JSON fixture in {}", dir.display());
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// One change to one place in a document.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Remove the value (from its object or array).
    Remove,
    /// Replace the value.
    Replace(Value),
    /// Put the value in an array.
    WrapInArray,
    /// Put the value in an object as its `id`.
    WrapAsId,
    /// Replace an object by its `id` (or an array by its first item).
    Unwrap,
    /// Repeat the value (or each item of an array) `n` times.
    Repeat(usize),
    /// Replace the `type` (of an object) or the value with an ActivityStreams type.
    Retype(&'static str),
    /// Cut a string at this character count, or swap it for its upper-case form.
    Cut(usize),
}

fn mutation(replacements: BoxedStrategy<Value>) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::Remove),
        3 => replacements.prop_map(Mutation::Replace),
        1 => Just(Mutation::WrapInArray),
        1 => Just(Mutation::WrapAsId),
        1 => Just(Mutation::Unwrap),
        1 => (2usize..40).prop_map(Mutation::Repeat),
        2 => prop::sample::select(TYPES).prop_map(Mutation::Retype),
        1 => (0usize..64).prop_map(Mutation::Cut),
    ]
}

/// Up to `max` mutations of `base`, each at a place chosen among all its values; mutated
/// values are `replacements` (such as [`json_value`] or URLs a test serves).
pub fn mutated(
    base: Value,
    replacements: BoxedStrategy<Value>,
    max: usize,
) -> impl Strategy<Value = Value> {
    prop::collection::vec((any::<Index>(), mutation(replacements)), 1..=max.max(1)).prop_map(
        move |changes| {
            let mut value = base.clone();
            for (at, change) in changes {
                let paths = paths(&value);
                let path = at.get(&paths).clone();
                apply(&mut value, &path, change);
            }
            value
        },
    )
}

/// One step into a document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Item(usize),
}

/// Every place in `value`, the root first (at most 2,000, to bound the work per case).
fn paths(value: &Value) -> Vec<Vec<Step>> {
    let mut out = vec![Vec::new()];
    let mut next = 0;
    while next < out.len() && out.len() < 2_000 {
        let path = out[next].clone();
        next += 1;
        match get(value, &path) {
            Some(Value::Object(map)) => {
                for key in map.keys() {
                    let mut child = path.clone();
                    child.push(Step::Key(key.clone()));
                    out.push(child);
                }
            }
            Some(Value::Array(items)) => {
                for i in 0..items.len() {
                    let mut child = path.clone();
                    child.push(Step::Item(i));
                    out.push(child);
                }
            }
            _ => {}
        }
    }
    out
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Item(i) => v.get(*i),
    })
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k),
        Step::Item(i) => v.get_mut(*i),
    })
}

fn apply(root: &mut Value, path: &[Step], change: Mutation) {
    if let Mutation::Remove = change {
        let Some((last, parent)) = path.split_last() else {
            *root = Value::Null;
            return;
        };
        match (get_mut(root, parent), last) {
            (Some(Value::Object(map)), Step::Key(k)) => {
                map.remove(k);
            }
            (Some(Value::Array(items)), Step::Item(i)) if *i < items.len() => {
                items.remove(*i);
            }
            _ => {}
        }
        return;
    }
    let Some(target) = get_mut(root, path) else {
        return;
    };
    let old = target.take();
    *target = match change {
        Mutation::Remove => unreachable!("handled above"),
        Mutation::Replace(new) => new,
        Mutation::WrapInArray => Value::Array(vec![old]),
        Mutation::WrapAsId => json!({ "id": old }),
        Mutation::Unwrap => match old {
            Value::Object(mut map) => map.remove("id").unwrap_or(Value::Null),
            Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
            other => other,
        },
        Mutation::Repeat(n) => match old {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .cycle()
                    .take(items.len() * n)
                    .cloned()
                    .collect(),
            ),
            Value::String(s) => Value::String(s.repeat(n)),
            other => Value::Array(vec![other; n]),
        },
        Mutation::Retype(kind) => match old {
            Value::Object(mut map) => {
                map.insert("type".into(), Value::from(kind));
                Value::Object(map)
            }
            _ => Value::from(kind),
        },
        Mutation::Cut(n) => match old {
            Value::String(s) if s.chars().count() > n => Value::String(s.chars().take(n).collect()),
            Value::String(s) => Value::String(s.to_uppercase()),
            other => other,
        },
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn mutations_change_documents_and_stay_bounded() {
        let base = json!({"type": "Create", "object": {"id": "https://a.example/1", "to": ["x"]}});
        let mut runner = TestRunner::deterministic();
        let strategy = mutated(base.clone(), json_value(2, 3), 3);
        let mut changed = 0;
        for _ in 0..100 {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            changed += usize::from(value != base);
            assert!(value.to_string().len() < 2_000_000);
        }
        assert!(
            changed > 80,
            "only {changed} of 100 mutations changed the document"
        );
    }
}
