//! Rows and the queries that read and write them, one file per table (or close family).

pub mod account;
pub mod delivery;
pub mod favourite;
pub mod follow;
pub mod post;
pub mod tombstone;
pub mod user;

pub use account::{Account, NewAccount};
pub use favourite::Favourite;
pub use follow::Follow;
pub use post::{NewPost, Post};
pub use tombstone::{ReceivedActivity, Tombstone};
pub use user::{NewUser, User};
