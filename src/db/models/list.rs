//! `lists` and `list_accounts`.
