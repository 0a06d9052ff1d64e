//! Limits on inbound inbox requests, applied before their signatures are checked or anything
//! is fetched: at most `TRELLIS_INBOX_RATE_PER_MINUTE` requests per client address (429 with
//! `Retry-After` beyond), at most `TRELLIS_INBOX_CONCURRENCY` processed at once, and at most
//! `TRELLIS_INBOX_QUEUE` waiting for a slot (429 beyond).
//!
//! The client address is the only key: before the signature is verified, the `keyId` (and the
//! actor) are whatever the sender wrote, so keying on their host would let one sender spread
//! its requests over invented hosts, or spend a real peer's budget in its name.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::client_address::client_address;
use super::error::HttpError;
use trellis_config::LimitSettings;
use trellis_domain::rate_limit::{KeyedLimit, address_key};

/// Most client addresses remembered at once.
const CAPACITY: usize = 16_384;
/// What a request refused for a full queue is told to wait.
const QUEUE_FULL_WAIT: Duration = Duration::from_secs(1);

/// The inbox limits of this process, held by the inbox routes' middleware.
#[derive(Debug)]
pub(crate) struct InboxLimits {
    trust_forwarded_for: bool,
    per_address: KeyedLimit<std::net::IpAddr>,
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

impl InboxLimits {
    /// Limits with the configured rate, concurrency and queue.
    pub(crate) fn new(settings: &LimitSettings) -> Self {
        Self {
            trust_forwarded_for: settings.trust_forwarded_for,
            per_address: KeyedLimit::new(
                settings.inbox_rate_per_minute,
                Duration::from_secs(60),
                CAPACITY,
            ),
            slots: Arc::new(Semaphore::new(settings.inbox_concurrency)),
            waiting: AtomicUsize::new(0),
            queue: settings.inbox_queue,
        }
    }
}

/// Counts a waiting request while it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The middleware of the inbox routes.
pub(crate) async fn limit_inbox(
    State(limits): State<Arc<InboxLimits>>,
    request: Request,
    next: Next,
) -> Response {
    let trust = limits.trust_forwarded_for;
    if let Some(address) = client_address(request.headers(), request.extensions(), trust)
        && let Err(wait) = limits.per_address.take(&address_key(address))
    {
        return HttpError::too_many_requests("too many requests from this host", wait)
            .into_response();
    }
    let permit = match limits.slots.clone().try_acquire_owned() {
        Ok(permit) => permit,
        Err(_) => {
            if limits.waiting.fetch_add(1, Ordering::AcqRel) >= limits.queue {
                limits.waiting.fetch_sub(1, Ordering::AcqRel);
                return HttpError::too_many_requests("the inbox is busy", QUEUE_FULL_WAIT)
                    .into_response();
            }
            let _waiting = Waiting(&limits.waiting);
            match limits.slots.clone().acquire_owned().await {
                Ok(permit) => permit,
                Err(_) => return HttpError::internal("inbox slots closed").into_response(),
            }
        }
    };
    let response = next.run(request).await;
    drop(permit);
    response
}
