//! Rows and the queries that read and write them, one file per table.

pub mod account;
pub mod user;

pub use account::{Account, NewAccount};
pub use user::{NewUser, User};
