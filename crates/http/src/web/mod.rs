//! Server-rendered HTML pages (templates compiled into the binary).

pub(crate) mod articles;
pub(crate) mod atom;
pub(crate) mod cookies;
pub(crate) mod directory;
pub(crate) mod export;
pub(crate) mod gate;
pub(crate) mod home;
pub(crate) mod login;
pub(crate) mod profile;
pub(crate) mod sign_in_options;
pub(crate) mod static_files;
pub(crate) mod viewer;
