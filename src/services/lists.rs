//! Lists of accounts and their timelines.
