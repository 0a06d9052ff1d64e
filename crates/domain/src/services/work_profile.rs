//! Where a local person works (department, job title, location) and whether they are listed in
//! directories: changed by the person (client API) or an operator (CLI), announced to their
//! remote followers with an `Update` of the actor.

use diesel::prelude::*;

use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::schema::accounts;

use super::ServiceError;
use super::outbox::publish;
use super::profile::announce_update;

/// Longest department, job title or location, in characters.
pub const MAX_WORK_FIELD_CHARS: usize = 100;

/// New values; `None` keeps the current one, an empty (or blank) text clears it.
#[derive(Clone, Debug, Default)]
pub struct WorkProfile {
    /// Department or subsidiary.
    pub department: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Office or city.
    pub location: Option<String>,
    /// Listed in directories and found by department.
    pub discoverable: Option<bool>,
}

impl WorkProfile {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.department.is_none()
            && self.job_title.is_none()
            && self.location.is_none()
            && self.discoverable.is_none()
    }
}

/// The columns a change writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = accounts)]
struct WorkColumns {
    department: Option<Option<String>>,
    job_title: Option<Option<String>>,
    location: Option<Option<String>>,
    discoverable: Option<bool>,
    updated_at: chrono::NaiveDateTime,
}

/// A text field checked and normalised: `Some(None)` clears it.
pub(crate) fn checked(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<Option<String>>, ServiceError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let value = value.trim().to_string();
    if value.chars().count() > MAX_WORK_FIELD_CHARS {
        return Err(ServiceError::invalid(
            field,
            format!("must be at most {MAX_WORK_FIELD_CHARS} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ServiceError::invalid(field, "must be one line of text"));
    }
    Ok(Some(Some(value).filter(|v| !v.is_empty())))
}

/// Applies the change to the local person `account_id` and queues an `Update` of their actor
/// to their remote followers.
pub async fn update(
    state: &AppState,
    account_id: i64,
    change: WorkProfile,
) -> Result<Account, ServiceError> {
    let department = checked("department", change.department)?;
    let job_title = checked("job_title", change.job_title)?;
    let location = checked("location", change.location)?;
    let changes = WorkColumns {
        department,
        job_title,
        location,
        discoverable: change.discoverable,
        updated_at: delivery::now(),
    };
    publish(state, move |conn, state| {
        let row = accounts::table.find(account_id);
        diesel::update(row).set(&changes).execute(conn)?;
        let account: Account = row.select(Account::as_select()).first(conn)?;
        announce_update(conn, state, &account)?;
        Ok(account)
    })
    .await
}
