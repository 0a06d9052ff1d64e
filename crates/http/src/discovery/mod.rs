//! Discovery documents: webfinger, host-meta and nodeinfo.

pub mod host_meta;
pub mod nodeinfo;
pub mod webfinger;
