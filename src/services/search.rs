//! Search: accounts (local, and remote through WebFinger when asked to resolve), statuses by URL, hashtags.
