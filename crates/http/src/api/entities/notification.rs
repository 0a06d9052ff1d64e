//! The Notification entity.

use serde::Serialize;

use super::account::AccountEntity;
use super::datetime;
use super::report::AdminReportEntity;
use super::status::StatusEntity;
use trellis_domain::services::notification_groups::{GROUPED_BY_DEFAULT, group_key};
use trellis_domain::services::notifications::NotificationView;
use trellis_domain::state::AppState;

/// `Notification`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct NotificationEntity {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: String,
    pub account: AccountEntity,
    pub status: Option<StatusEntity>,
    pub group_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<AdminReportEntity>,
}

impl NotificationEntity {
    /// The entity of a notification view.
    pub(crate) fn new(state: &AppState, view: &NotificationView) -> Self {
        let notification = &view.notification;
        Self {
            id: notification.id.to_string(),
            kind: notification.kind.as_str().into(),
            created_at: datetime(notification.created_at),
            account: AccountEntity::new(state, &view.account),
            status: view.status.as_ref().map(|s| StatusEntity::new(state, s)),
            group_key: group_key(notification, &GROUPED_BY_DEFAULT),
            report: view
                .report
                .as_ref()
                .map(|r| AdminReportEntity::new(state, r)),
        }
    }
}
