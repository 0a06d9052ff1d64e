//! Blocking and muting accounts.
