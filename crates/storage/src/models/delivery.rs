//! `outbound_activities`, `deliveries`, `delivery_hosts`: the persistent delivery queue.
//!
//! An activity is stored once; each target inbox gets a delivery row. Workers claim due rows
//! with a lease (`claimed_until`), so a crashed worker's rows become due again when the lease
//! runs out. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`; SQLite claims inside the single
//! writer's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{deliveries, delivery_hosts, outbound_activities};
use crate::{DbConnection, DbError, per_backend};

/// A delivery row.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = deliveries)]
pub struct Delivery {
    /// Identifier.
    pub id: i64,
    /// The activity to send.
    pub outbound_activity_id: i64,
    /// Target inbox.
    pub inbox_url: String,
    /// `host[:port]` of the inbox.
    pub host: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When it is due.
    pub next_attempt_at: NaiveDateTime,
    /// Lease of the worker that claimed it.
    pub claimed_until: Option<NaiveDateTime>,
    /// Last failure.
    pub last_error: Option<String>,
    /// Set when the delivery failed for good.
    pub failed_at: Option<NaiveDateTime>,
    /// When it was queued.
    pub created_at: NaiveDateTime,
    /// After this, failures are final.
    pub expires_at: NaiveDateTime,
    /// Set (with `failed_at`) when the delivery was dropped unsent because its host may no
    /// longer be federated with.
    pub dropped: bool,
}

/// A claimed delivery with what is needed to send it.
#[derive(Clone, Debug)]
pub struct ClaimedDelivery {
    /// The delivery row.
    pub delivery: Delivery,
    /// The activity's id.
    pub activity_id: String,
    /// The sending actor.
    pub actor_id: i64,
    /// The activity JSON.
    pub payload: String,
}

/// What the queue holds for one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostQueue {
    /// `host[:port]`.
    pub host: String,
    /// Deliveries still to be made.
    pub pending: i64,
    /// Deliveries that failed for good.
    pub failed: i64,
    /// Deliveries dropped unsent because the host may no longer be federated with.
    pub dropped: i64,
    /// Deliveries made.
    pub delivered: i64,
    /// Failures in a row.
    pub consecutive_failures: i32,
    /// The circuit breaker holds deliveries back until then.
    pub open_until: Option<NaiveDateTime>,
    /// The most recent error, if any.
    pub last_error: Option<String>,
}

/// Input of [`enqueue`].
pub struct Enqueue<'a> {
    /// Row id of the outbound activity.
    pub id: i64,
    /// Activity id.
    pub activity_id: &'a str,
    /// Sending actor.
    pub actor_id: i64,
    /// Activity JSON.
    pub payload: &'a str,
    /// Target inboxes (already de-duplicated) with their delivery row ids.
    pub inboxes: Vec<(i64, String, String)>,
    /// Now.
    pub now: NaiveDateTime,
    /// Give up after this.
    pub expires_at: NaiveDateTime,
}

/// Stores an activity and its deliveries; call inside the transaction of the change.
pub fn enqueue(conn: &mut DbConnection, job: &Enqueue<'_>) -> Result<(), DbError> {
    if job.inboxes.is_empty() {
        return Ok(());
    }
    diesel::insert_into(outbound_activities::table)
        .values((
            outbound_activities::id.eq(job.id),
            outbound_activities::activity_id.eq(job.activity_id),
            outbound_activities::actor_id.eq(job.actor_id),
            outbound_activities::payload.eq(job.payload),
            outbound_activities::created_at.eq(job.now),
        ))
        .execute(conn)?;
    let rows: Vec<_> = job
        .inboxes
        .iter()
        .map(|(id, inbox, host)| {
            (
                deliveries::id.eq(*id),
                deliveries::outbound_activity_id.eq(job.id),
                deliveries::inbox_url.eq(inbox),
                deliveries::host.eq(host),
                deliveries::next_attempt_at.eq(job.now),
                deliveries::created_at.eq(job.now),
                deliveries::expires_at.eq(job.expires_at),
            )
        })
        .collect();
    per_backend!(conn, |c| diesel::insert_into(deliveries::table)
        .values(&rows)
        .execute(c))?;
    Ok(())
}

/// Claims up to `limit` due deliveries for `lease_until`, skipping hosts whose circuit is open.
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<ClaimedDelivery>, DbError> {
    let ids: Vec<i64> = conn.transaction(|conn| {
        let open_hosts = delivery_hosts::table
            .filter(delivery_hosts::open_until.gt(now))
            .select(delivery_hosts::host);
        let due = deliveries::table
            .filter(deliveries::failed_at.is_null())
            .filter(deliveries::next_attempt_at.le(now))
            .filter(
                deliveries::claimed_until
                    .is_null()
                    .or(deliveries::claimed_until.lt(now)),
            )
            .filter(deliveries::host.ne_all(open_hosts))
            .order(deliveries::next_attempt_at.asc())
            .limit(limit)
            .select(deliveries::id);
        let ids: Vec<i64> = match conn {
            DbConnection::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(sqlite) => due.load(sqlite)?,
        };
        if !ids.is_empty() {
            diesel::update(deliveries::table.filter(deliveries::id.eq_any(&ids)))
                .set(deliveries::claimed_until.eq(Some(lease_until)))
                .execute(conn)?;
        }
        Ok::<_, DbError>(ids)
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Delivery, (String, i64, String))> = deliveries::table
        .inner_join(outbound_activities::table)
        .filter(deliveries::id.eq_any(&ids))
        .select((
            Delivery::as_select(),
            (
                outbound_activities::activity_id,
                outbound_activities::actor_id,
                outbound_activities::payload,
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(delivery, (activity_id, actor_id, payload))| ClaimedDelivery {
                delivery,
                activity_id,
                actor_id,
                payload,
            },
        )
        .collect())
}

/// Removes a delivered row (and its activity once nothing else refers to it); the host is healthy.
pub fn complete(
    conn: &mut DbConnection,
    delivery: &Delivery,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    conn.transaction(|conn| {
        diesel::delete(deliveries::table.find(delivery.id)).execute(conn)?;
        let remaining: i64 = deliveries::table
            .filter(deliveries::outbound_activity_id.eq(delivery.outbound_activity_id))
            .count()
            .get_result(conn)?;
        if remaining == 0 {
            diesel::delete(outbound_activities::table.find(delivery.outbound_activity_id))
                .execute(conn)?;
        }
        ensure_host(conn, &delivery.host)?;
        diesel::update(delivery_hosts::table.find(&delivery.host))
            .set((
                delivery_hosts::consecutive_failures.eq(0),
                delivery_hosts::open_until.eq(None::<NaiveDateTime>),
                delivery_hosts::delivered_count.eq(delivery_hosts::delivered_count + 1),
                delivery_hosts::last_success_at.eq(Some(now)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Schedules another attempt after a temporary failure.
pub fn retry_later(
    conn: &mut DbConnection,
    delivery: &Delivery,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::attempts.eq(delivery.attempts + 1),
            deliveries::next_attempt_at.eq(next_attempt_at),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a final failure; the row stays for inspection.
pub fn fail(
    conn: &mut DbConnection,
    delivery: &Delivery,
    error: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::attempts.eq(delivery.attempts + 1),
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(Some(error)),
            deliveries::failed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that a delivery was dropped unsent (its host may no longer be federated with); the
/// row stays, counted apart from failures.
pub fn drop_unsent(
    conn: &mut DbConnection,
    delivery: &Delivery,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::claimed_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(Some(reason)),
            deliveries::failed_at.eq(Some(now)),
            deliveries::dropped.eq(true),
        ))
        .execute(conn)?;
    Ok(())
}

/// The hosts that deliveries are still waiting for (not sent, not failed, not dropped).
pub fn pending_hosts(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    Ok(deliveries::table
        .filter(deliveries::failed_at.is_null())
        .select(deliveries::host)
        .distinct()
        .load(conn)?)
}

/// Drops, unsent, every delivery still waiting for one of `hosts` (the instance no longer
/// federates with them); returns how many. A delivery being sent right now may still arrive.
pub fn drop_pending_to(
    conn: &mut DbConnection,
    hosts: &[String],
    reason: &str,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    if hosts.is_empty() {
        return Ok(0);
    }
    Ok(diesel::update(
        deliveries::table
            .filter(deliveries::failed_at.is_null())
            .filter(deliveries::host.eq_any(hosts)),
    )
    .set((
        deliveries::claimed_until.eq(None::<NaiveDateTime>),
        deliveries::last_error.eq(Some(reason)),
        deliveries::failed_at.eq(Some(now)),
        deliveries::dropped.eq(true),
    ))
    .execute(conn)?)
}

/// Counts a failure against a host; returns the failures in a row. Opens the circuit until
/// `open_until` when given.
pub fn record_host_failure(
    conn: &mut DbConnection,
    host: &str,
    now: NaiveDateTime,
    open_until: impl FnOnce(i32) -> Option<NaiveDateTime>,
) -> Result<i32, DbError> {
    conn.transaction(|conn| {
        ensure_host(conn, host)?;
        let failures: i32 = delivery_hosts::table
            .find(host)
            .select(delivery_hosts::consecutive_failures)
            .first(conn)?;
        let failures = failures + 1;
        diesel::update(delivery_hosts::table.find(host))
            .set((
                delivery_hosts::consecutive_failures.eq(failures),
                delivery_hosts::last_failure_at.eq(Some(now)),
                delivery_hosts::open_until.eq(open_until(failures)),
            ))
            .execute(conn)?;
        Ok(failures)
    })
}

fn ensure_host(conn: &mut DbConnection, host: &str) -> Result<(), DbError> {
    let exists: i64 = delivery_hosts::table
        .filter(delivery_hosts::host.eq(host))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(delivery_hosts::table)
            .values(delivery_hosts::host.eq(host))
            .execute(conn)?;
    }
    Ok(())
}

/// Drops every lease; only safe when this process is the only worker (SQLite).
pub fn release_all_claims(conn: &mut DbConnection) -> Result<usize, DbError> {
    Ok(
        diesel::update(deliveries::table.filter(deliveries::claimed_until.is_not_null()))
            .set(deliveries::claimed_until.eq(None::<NaiveDateTime>))
            .execute(conn)?,
    )
}

/// Pending and failed deliveries per host, with host health.
pub fn queue_by_host(conn: &mut DbConnection) -> Result<Vec<HostQueue>, DbError> {
    use diesel::dsl::count_star;
    let pending: Vec<(String, i64)> = deliveries::table
        .filter(deliveries::failed_at.is_null())
        .group_by(deliveries::host)
        .select((deliveries::host, count_star()))
        .load(conn)?;
    let failed: Vec<(String, i64)> = deliveries::table
        .filter(deliveries::failed_at.is_not_null())
        .filter(deliveries::dropped.eq(false))
        .group_by(deliveries::host)
        .select((deliveries::host, count_star()))
        .load(conn)?;
    let dropped: Vec<(String, i64)> = deliveries::table
        .filter(deliveries::dropped.eq(true))
        .group_by(deliveries::host)
        .select((deliveries::host, count_star()))
        .load(conn)?;
    let hosts: Vec<(String, i32, Option<NaiveDateTime>, i64)> = delivery_hosts::table
        .select((
            delivery_hosts::host,
            delivery_hosts::consecutive_failures,
            delivery_hosts::open_until,
            delivery_hosts::delivered_count,
        ))
        .load(conn)?;
    let mut names: Vec<String> = pending
        .iter()
        .chain(failed.iter())
        .chain(dropped.iter())
        .map(|(h, _)| h.clone())
        .chain(hosts.iter().map(|h| h.0.clone()))
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::with_capacity(names.len());
    for host in names {
        let count =
            |rows: &[(String, i64)]| rows.iter().find(|(h, _)| *h == host).map_or(0, |r| r.1);
        let health = hosts.iter().find(|h| h.0 == host);
        let last_error: Option<String> = deliveries::table
            .filter(deliveries::host.eq(&host))
            .filter(deliveries::last_error.is_not_null())
            .order(deliveries::next_attempt_at.desc())
            .select(deliveries::last_error)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten();
        out.push(HostQueue {
            pending: count(&pending),
            failed: count(&failed),
            dropped: count(&dropped),
            delivered: health.map_or(0, |h| h.3),
            consecutive_failures: health.map_or(0, |h| h.1),
            open_until: health.and_then(|h| h.2),
            last_error,
            host,
        });
    }
    Ok(out)
}
