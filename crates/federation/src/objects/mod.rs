//! activitypub_federation `Object` implementations: how stored rows are fetched, verified,
//! stored and turned into JSON.

pub(crate) mod article;
pub(crate) mod note;
pub(crate) mod person;

#[cfg(test)]
mod proptests;
