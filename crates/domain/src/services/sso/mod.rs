//! Single sign-on with OpenID Connect, past the network: the sign-ins under way (state,
//! nonce, PKCE verifier), what a verified identity's claims say about a person, and signing
//! that person in (linking by issuer and subject, provisioning on first sign-in, keeping
//! name, email, department and role up to date, refusing disabled people).

pub mod identity;
pub mod logins;
mod matching;
pub mod sign_in;
mod username;

pub use identity::Identity;
pub use logins::{PendingLogin, StartedLogin};
