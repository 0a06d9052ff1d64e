//! Keyset pages over time-sortable ids (the Mastodon `max_id` / `since_id` / `min_id` model).

/// A page window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Exclusive upper bound.
    pub max_id: Option<i64>,
    /// Exclusive lower bound, newest first.
    pub since_id: Option<i64>,
    /// Exclusive lower bound, the page right after it (read upward).
    pub min_id: Option<i64>,
    /// Number of items.
    pub limit: i64,
}

impl Window {
    /// The newest `limit` items.
    pub fn latest(limit: i64) -> Self {
        Self {
            max_id: None,
            since_id: None,
            min_id: None,
            limit,
        }
    }

    /// True when rows are read upward (oldest first) and must be reversed afterwards.
    pub fn reads_upward(&self) -> bool {
        self.min_id.is_some()
    }

    /// Puts rows read by [`paged!`] newest first.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> Vec<T> {
        if self.reads_upward() {
            rows.reverse();
        }
        rows
    }
}

/// Applies a [`Window`] to a diesel query over an id column: bounds, order and limit. Read
/// the rows, then pass them through [`Window::finish`].
#[macro_export]
macro_rules! paged {
    ($query:expr, $column:expr, $window:expr) => {{
        let window: $crate::page::Window = $window;
        let mut query = $query.into_boxed();
        if let Some(max) = window.max_id {
            query = query.filter($column.lt(max));
        }
        if let Some(min) = window.min_id.or(window.since_id) {
            query = query.filter($column.gt(min));
        }
        if window.reads_upward() {
            query.order($column.asc()).limit(window.limit)
        } else {
            query.order($column.desc()).limit(window.limit)
        }
    }};
}
pub use crate::paged;
