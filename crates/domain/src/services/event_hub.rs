//! The broadcast side of streaming, held in the application state: the events of this
//! process's tailer ([`super::events`]) fanned out to its streaming connections.

use std::sync::Arc;

use tokio::sync::{Notify, broadcast, watch};

use trellis_storage::models::stream_event::StreamKind;

use super::hydrate::{NotificationView, StatusView};

/// Events buffered for each receiver; a receiver that falls further behind skips events.
pub const CHANNEL_CAPACITY: usize = 1024;

/// A change, loaded once for every connection of this process.
#[derive(Debug)]
pub struct Event {
    /// The stream event id.
    pub id: i64,
    /// What changed.
    pub kind: StreamKind,
    /// The post concerned (for `delete`, the id of the post that is gone).
    pub post_id: Option<i64>,
    /// For `update` and `status.update`: the post, hydrated for an anonymous reader.
    pub status: Option<StatusView>,
    /// For `update` and `status.update`: local accounts whose home feed holds the post (sorted).
    pub home_readers: Vec<i64>,
    /// For `notification`: the notification (its status hydrated for an anonymous reader).
    pub notification: Option<NotificationView>,
    /// For `revoke`: the person whose access was withdrawn (`None`: an app-only token).
    pub account_id: Option<i64>,
}

impl Event {
    /// True when the post is in `reader`'s home feed.
    pub(crate) fn in_home_of(&self, reader: i64) -> bool {
        self.home_readers.binary_search(&reader).is_ok()
    }

    /// True for a `revoke` event that may concern a stream of `reader` (`None`: a stream
    /// opened with an app-only token).
    pub fn revokes(&self, reader: Option<i64>) -> bool {
        self.kind == StreamKind::Revoke && self.account_id == reader
    }

    /// For notifications: the person notified.
    pub fn recipient(&self) -> Option<i64> {
        self.notification
            .as_ref()
            .map(|n| n.notification.account_id)
    }
}

/// The broadcast side of streaming, held in the application state.
pub struct EventHub {
    sender: broadcast::Sender<Arc<Event>>,
    wake: Arc<Notify>,
    stopped: watch::Sender<bool>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

impl EventHub {
    /// A hub with a bounded channel of [`CHANNEL_CAPACITY`] events.
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(CHANNEL_CAPACITY);
        let (stopped, _) = watch::channel(false);
        Self {
            sender,
            wake: Arc::new(Notify::new()),
            stopped,
        }
    }

    /// A receiver of the events broadcast from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    /// Number of connections listening.
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Sends an event to every listening connection.
    pub fn broadcast(&self, event: Event) {
        // No receiver is not an error: nobody is streaming right now.
        let _ = self.sender.send(Arc::new(event));
    }

    /// Makes the tailer poll now instead of at its next interval.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// What the tailer waits on between polls.
    pub(crate) fn wake_handle(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Tells every streaming connection to end (the instance is shutting down).
    pub fn stop_streams(&self) {
        self.stopped.send_replace(true);
    }

    /// Becomes true when streaming connections must end.
    pub fn stopped(&self) -> watch::Receiver<bool> {
        self.stopped.subscribe()
    }
}
