//! Federation scenarios: full `trellis` processes (the binary cargo builds for this package's
//! tests, see `federation_tests::Instance`), Fedify and real Mastodon clients, over real signed
//! HTTP on localhost. One module per file of `tests/federation/`; to add `NAME.rs`, add
//! `mod NAME;` below ([`every_file_is_a_module`] checks it).

mod articles;
mod closed_federation;
mod fedify_articles;
mod fedify_interop;
mod life_cycle;
mod real_clients;
mod reports;
mod scenarios;
mod scim_conformance;
mod sso;

/// Every `tests/federation/*.rs` file is a module of this binary.
#[test]
fn every_file_is_a_module() {
    let source = include_str!("main.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/federation");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_file = path.extension().is_some_and(|e| e == "rs");
        if is_file && stem != "main" && !source.contains(&format!("\nmod {stem};\n")) {
            missing.push(stem.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "add `mod NAME;` to tests/federation/main.rs for: {missing:?}"
    );
}
