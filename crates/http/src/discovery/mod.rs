//! Discovery documents: webfinger, host-meta and nodeinfo.

pub(crate) mod host_meta;
pub(crate) mod nodeinfo;
pub(crate) mod webfinger;
