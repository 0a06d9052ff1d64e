//! Test support for Trellis: throw-away databases, and a harness that runs several full
//! Trellis instances as separate processes on ephemeral localhost ports and acts as their
//! users through the internal interface, so scenarios exercise the real federation path.

pub mod clients;
pub mod db;
pub mod fedify;
pub mod generate;
pub mod instance;
pub mod wait;

pub use db::TestDb;
pub use fedify::FedifyPeer;
pub use instance::{Instance, Post};
pub use wait::wait_until;

/// The folder of pre-generated RSA key pairs test instances use (`TRELLIS_TEST_KEY_POOL`),
/// so starting an instance and creating people costs no key generation.
pub const KEY_POOL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/keys");
