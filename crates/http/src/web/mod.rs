//! Server-rendered HTML pages (templates compiled into the binary).

pub mod articles;
pub mod atom;
pub mod home;
pub mod profile;
pub mod static_files;
