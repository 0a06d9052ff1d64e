//! What the domain needs from other servers, as a trait: the federation crate implements it
//! (WebFinger, fetching and storing remote actors and posts) and the binary installs it in
//! [`AppState`](crate::state::AppState) at start-up. The trait is defined beside the state
//! that holds it.

pub use crate::state::{LookupError, RemoteLookup};
