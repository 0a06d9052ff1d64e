//! `blocks` and `mutes`: accounts a person blocked or muted.
