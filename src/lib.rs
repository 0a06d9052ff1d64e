//! Trellis: a federated enterprise social network and intranet. This package is the binary:
//! the command line ([`cli`]) and the start-up and shutdown of a serving instance ([`app`]).
//!
//! The layers are crates (see docs/ARCHITECTURE.md): `trellis-http` -> `trellis-federation`
//! -> `trellis-domain` -> `trellis-storage`, with `trellis-protocol`, `trellis-content` and
//! `trellis-config` beneath them.

pub mod app;
pub mod cli;

// The test surface: the integration tests and examples reach the layer crates through these
// paths. Nothing in the binary uses them.
pub use trellis_config as config;
pub use trellis_domain::{changes, media_proxy, services, state};
pub use trellis_storage as db;

/// Federation, as the integration tests use it.
pub mod federation {
    pub use trellis_federation::{context, inbox_retention, remote_media};
    pub use trellis_protocol::signatures;
}
