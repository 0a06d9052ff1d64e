//! Delivery of queued activities: the worker that signs and sends them, and the retry curve.
//! Activities are queued by the domain (`trellis_domain::outbound::delivery::enqueue`), inside
//! the transaction of the change they announce.

mod backoff;
pub mod worker;
