//! Listing, reading and dismissing notifications.
