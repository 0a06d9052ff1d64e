//! The module graph of every crate has no cycles: a module that uses another (through
//! `crate::` or `super::` paths, outside comments and test modules) is never used back by it,
//! directly or through others. Cargo already forbids cycles between the crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`services::events`) -> source text, for one crate's `src/`.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).unwrap().with_extension("");
                let mut parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                    parts.pop();
                }
                found.insert(parts.join("::"), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    found
}

/// The code of a file without its test module and comment lines.
fn code(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    before_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The path segments following each occurrence of `prefix` (`crate::`, `super::`).
fn paths_after<'a>(text: &'a str, prefix: &str) -> Vec<Vec<&'a str>> {
    text.match_indices(prefix)
        .filter(|(at, _)| {
            text[..*at]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        })
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            rest[..end].split("::").filter(|s| !s.is_empty()).collect()
        })
        .collect()
}

/// The longest known module that `segments` starts with.
fn known_module(names: &BTreeSet<String>, segments: &[&str]) -> Option<String> {
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| names.contains(candidate))
}

/// Module -> the modules it uses (its own ancestors left out: a parent's re-exports are not
/// a cycle).
fn graph(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(module, text)| {
            let text = code(text);
            let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
            let parent = &parent[..parent.len().saturating_sub(1)];
            let mut uses = BTreeSet::new();
            for segments in paths_after(&text, "crate::") {
                uses.extend(known_module(&names, &segments));
            }
            for segments in paths_after(&text, "super::") {
                let full: Vec<&str> = parent.iter().copied().chain(segments).collect();
                uses.extend(known_module(&names, &full));
            }
            uses.retain(|used| {
                used != module && !used.is_empty() && !module.starts_with(&format!("{used}::"))
            });
            (module.clone(), uses)
        })
        .collect()
}

/// A cycle of modules, if there is one (depth-first search).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

fn crates() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .expect("the workspace's crates/ folder")
        .map(|entry| entry.unwrap().path().join("src"))
        .filter(|src| src.is_dir())
        .collect();
    found.push(root.join("src"));
    found.sort();
    found
}

#[test]
fn no_crate_has_a_module_cycle() {
    let crates = crates();
    assert!(crates.len() >= 7, "{crates:?}");
    for src in crates {
        let modules = modules(&src);
        assert!(modules.len() > 1, "{}", src.display());
        if let Some(cycle) = find_cycle(&graph(&modules)) {
            panic!("{}: module cycle {}", src.display(), cycle.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let modules: BTreeMap<String, String> = [
        ("".to_string(), "mod a; mod b;".to_string()),
        ("a".to_string(), "use crate::b::thing;".to_string()),
        ("b".to_string(), "use super::a::other;".to_string()),
        (
            "c".to_string(),
            "// use crate::a;\nuse crate::b;".to_string(),
        ),
    ]
    .into_iter()
    .collect();
    let graph = graph(&modules);
    assert_eq!(graph["c"], BTreeSet::from(["b".to_string()]));
    let cycle = find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle, ["a", "b", "a"]);
}
