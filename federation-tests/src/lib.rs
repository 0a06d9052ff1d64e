//! Test support for Trellis: throw-away databases, and a harness that runs several full
//! Trellis instances as separate processes on ephemeral localhost ports and acts as their
//! users through the internal interface, so scenarios exercise the real federation path.
//! Instances serve plain http (with `TRELLIS_ALLOW_HTTP`) or https with a test CA
//! ([`tls`]); [`start_organisation`] starts one organisation's instances in `allowlist` mode.

pub mod clients;
pub mod db;
pub mod fedify;
pub mod generate;
pub mod instance;
pub mod oidc_provider;
pub mod organisation;
pub mod proxy;
pub mod tls;
pub mod wait;

pub use db::TestDb;
pub use fedify::FedifyPeer;
pub use instance::{Instance, Launch, Post};
pub use organisation::start_organisation;
pub use proxy::CountingProxy;
pub use tls::test_pki;
pub use wait::wait_until;

/// The folder of pre-generated RSA key pairs test instances use (`TRELLIS_TEST_KEY_POOL`),
/// so starting an instance and creating people costs no key generation.
pub const KEY_POOL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys");
