//! Server-rendered HTML pages (templates compiled into the binary).

pub mod home;
pub mod profile;
pub mod static_files;
