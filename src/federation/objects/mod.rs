//! activitypub_federation `Object` implementations: how stored rows are fetched, verified,
//! stored and turned into JSON.

pub mod article;
pub mod note;
pub mod person;

#[cfg(test)]
mod proptests;
