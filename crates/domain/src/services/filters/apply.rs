//! Filters applied to what a reader is shown: a post matched by a `hide` filter of the
//! context is left out, one matched by a `warn` or `blur` filter carries the matches (for a
//! boost, the boosted post decides, and both carry them). The reader's own posts are never
//! filtered, as in Mastodon.

use crate::state::AppState;
use trellis_storage::models::filter::Filter;
use trellis_storage::{DbConnection, DbError};

use super::super::ServiceError;
use super::super::hydrate::{NotificationView, StatusView};
use super::super::timelines::StatusPage;
use super::{ActiveFilters, FilterContext};

/// The reader's filters that have not expired (one read of three small queries).
pub async fn loaded_for(state: &AppState, reader: i64) -> Result<ActiveFilters, ServiceError> {
    Ok(state.db().read(move |conn| load(conn, reader)).await?)
}

/// [`loaded_for`] on a connection the caller holds.
pub(crate) fn load(conn: &mut DbConnection, reader: i64) -> Result<ActiveFilters, DbError> {
    let now = crate::outbound::delivery::now();
    Ok(ActiveFilters::new(Filter::all_of(conn, reader, Some(now))?))
}

/// Marks `view` with the matches of `context`; false when a match hides it.
fn mark(
    filters: &ActiveFilters,
    reader: i64,
    context: FilterContext,
    view: &mut StatusView,
) -> bool {
    let shown = view.reblog.as_deref().unwrap_or(view);
    if shown.post.account_id == reader {
        return true;
    }
    let matches = filters.matches(context, &shown.post);
    if matches.iter().any(|m| m.hides()) {
        return false;
    }
    if let Some(inner) = view.reblog.as_deref_mut() {
        inner.filtered = matches.clone();
    }
    view.filtered = matches;
    true
}

/// `views` as `reader` sees them in `context`, with `filters` applied.
pub fn apply_to_statuses(
    filters: &ActiveFilters,
    reader: i64,
    context: FilterContext,
    views: Vec<StatusView>,
) -> Vec<StatusView> {
    if filters.is_empty() {
        return views;
    }
    views
        .into_iter()
        .filter_map(|mut view| mark(filters, reader, context, &mut view).then_some(view))
        .collect()
}

/// A page as `reader` sees it in `context`: their filters applied; its cursors are those of
/// the rows read, so a page emptied by a filter still pages on. Without a reader, unchanged.
pub async fn apply_to_page(
    state: &AppState,
    reader: Option<i64>,
    context: FilterContext,
    page: StatusPage,
) -> Result<StatusPage, ServiceError> {
    let Some(reader) = reader else {
        return Ok(page);
    };
    let filters = loaded_for(state, reader).await?;
    Ok(StatusPage {
        statuses: apply_to_statuses(&filters, reader, context, page.statuses),
        cursors: page.cursors,
    })
}

/// Notifications as `reader` sees them: one whose post a `hide` filter of the notifications
/// context matches is left out; the others' posts carry their matches.
pub fn apply_to_notifications(
    filters: &ActiveFilters,
    reader: i64,
    views: Vec<NotificationView>,
) -> Vec<NotificationView> {
    if filters.is_empty() {
        return views;
    }
    views
        .into_iter()
        .filter_map(|mut view| {
            let shown = match view.status.as_mut() {
                Some(status) => mark(filters, reader, FilterContext::Notifications, status),
                None => true,
            };
            shown.then_some(view)
        })
        .collect()
}
