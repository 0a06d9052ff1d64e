//! Rows and the queries that read and write them, one file per table (or close family).

pub mod account;
pub mod account_counters;
pub mod account_moderation;
pub mod audit;
pub mod block;
pub mod bookmark;
pub mod community;
pub mod conversation;
pub mod delivery;
pub mod directory;
pub mod domain_block;
pub mod favourite;
pub mod federation_peer;
pub mod feed;
pub mod filter;
pub mod follow;
pub mod list;
pub mod marker;
pub mod media_attachment;
pub mod notification;
pub mod oauth;
pub mod oidc;
pub mod poll;
pub mod post;
pub mod remote_media;
pub mod report;
pub mod scim_user;
pub mod status_idempotency;
pub mod status_pin;
pub mod stream_event;
pub mod tombstone;
pub mod user;
pub mod web_session;

pub use account::{Account, NewAccount};
pub use favourite::Favourite;
pub use follow::Follow;
pub use notification::{Notification, NotificationKind};
pub use post::{NewPost, Post};
pub use tombstone::{ReceivedActivity, Tombstone};
pub use user::{NewUser, User};

pub mod article;
pub mod article_category;
pub mod article_revision;
pub mod article_search;
