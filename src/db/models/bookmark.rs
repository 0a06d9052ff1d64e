//! `bookmarks`.
