//! Trellis: a federated enterprise social network and intranet.
//!
//! Layers, top to bottom: [`http`] (routers and handlers) -> [`services`] (the domain) ->
//! [`federation`] (ActivityPub) -> [`db`] (storage). See docs/ARCHITECTURE.md.

pub mod app;
pub mod cli;
pub mod config;
pub mod content;
pub mod db;
pub mod federation;
pub mod http;
pub mod ids;
pub mod rate_limit;
pub mod services;
pub mod state;
pub mod text;
pub mod urls;
