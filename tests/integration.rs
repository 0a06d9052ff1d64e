//! Trellis's integration tests, one module per file of `tests/`, linked into one test binary
//! (linking the trellis crate once instead of once per file is most of the build time).
//!
//! To add a file `tests/NAME.rs`: add `mod NAME;` below and write `use crate::common;` at its
//! top where a standalone test file would write `mod common;`.
//! [`every_test_file_is_a_module`] fails when a file is not listed here, since cargo only
//! builds the targets named in `Cargo.toml` (`autotests = false`).

mod common;

mod actors;
mod admin_domains;
mod api_account_counters;
mod api_accounts;
mod api_announcements;
mod api_articles;
mod api_blocks_federation;
mod api_channels;
mod api_conversations;
mod api_filters;
mod api_instance;
mod api_lists;
mod api_media;
mod api_notifications;
mod api_oauth;
mod api_polls;
mod api_relationships;
mod api_search;
mod api_statuses;
mod api_streaming;
mod api_timelines;
mod architecture;
mod audit;
mod authorized_fetch_key_ids;
mod cli;
mod cli_article_import;
mod cli_directory;
mod closed_federation;
mod communities;
mod department_only;
mod directory;
mod discovery;
mod export;
mod federation_policy;
mod group_relay;
mod http_errors;
mod https;
mod inbox_properties;
mod inbox_security;
mod media_proxy;
mod moderation;
mod moderation_flags;
mod moderation_streams;
mod openapi;
mod pins_federation;
mod received_activities_pruning;
mod schema_parity;
mod scim;
mod security_abuse;
mod security_boosts;
mod security_inbox;
mod security_remote_documents;
mod static_files;
mod web_articles;
mod web_signin;

/// Every `tests/*.rs` file is a module of this binary; otherwise it would silently not run.
#[test]
fn every_test_file_is_a_module() {
    let source = include_str!("integration.rs");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_file = path.extension().is_some_and(|e| e == "rs");
        if is_file && stem != "integration" && !source.contains(&format!("\nmod {stem};\n")) {
            missing.push(stem.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "add `mod NAME;` to tests/integration.rs for: {missing:?}"
    );
}
