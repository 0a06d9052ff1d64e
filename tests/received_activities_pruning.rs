//! The inbox's memory of processed activity ids is pruned: ids recorded longer ago than the
//! retention window are forgotten in batches, oldest first, and recent ones are kept; a running
//! instance does it by itself. Runs on the backend under test (SQLite, or PostgreSQL with
//! `TRELLIS_TEST_DATABASE_URL`).

use crate::common;

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::Connection;
use trellis::config::DatabaseUrl;
use trellis::db::models::ReceivedActivity;
use trellis::db::{Database, OpenMode};
use trellis::federation::inbox_retention::{self, RETENTION};

async fn database(test_db: &common::TestDb) -> Database {
    let db = Database::open(
        &DatabaseUrl::parse(&test_db.url).unwrap(),
        OpenMode::CreateIfMissing,
    )
    .unwrap();
    db.migrate().await.unwrap();
    db
}

/// Records each `(id, received_at)` in one transaction.
async fn record(db: &Database, rows: Vec<(String, NaiveDateTime)>) {
    db.write(move |conn| {
        conn.transaction(|conn| {
            for (id, at) in &rows {
                assert!(ReceivedActivity::record(conn, id, *at)?);
            }
            Ok(())
        })
    })
    .await
    .unwrap();
}

async fn seen(db: &Database, id: &str) -> bool {
    let id = id.to_string();
    db.read(move |conn| ReceivedActivity::seen(conn, &id))
        .await
        .unwrap()
}

fn activity(n: usize) -> String {
    format!("https://peer.example/activities/{n}")
}

#[tokio::test]
async fn ids_older_than_the_window_are_forgotten_and_recent_ones_kept() {
    let test_db = common::TestDb::new();
    let db = database(&test_db).await;
    let now = chrono::Utc::now().naive_utc();
    assert_eq!(RETENTION, TimeDelta::days(7));

    // More old rows than one batch deletes, so the pass must loop.
    let old: Vec<(String, NaiveDateTime)> = (0..2_500)
        .map(|n| {
            (
                activity(n),
                now - TimeDelta::days(8) + TimeDelta::seconds(n as i64),
            )
        })
        .collect();
    record(&db, old).await;
    let just_expired = "https://peer.example/activities/just-expired";
    let just_kept = "https://peer.example/activities/just-kept";
    let fresh = "https://peer.example/activities/fresh";
    record(
        &db,
        vec![
            (just_expired.into(), now - RETENTION - TimeDelta::seconds(1)),
            (just_kept.into(), now - RETENTION + TimeDelta::minutes(1)),
            (fresh.into(), now),
        ],
    )
    .await;

    assert_eq!(inbox_retention::prune(&db, now).await.unwrap(), 2_501);
    for n in [0, 999, 1_000, 2_499] {
        assert!(!seen(&db, &activity(n)).await, "activity {n} is forgotten");
    }
    assert!(!seen(&db, just_expired).await);
    assert!(seen(&db, just_kept).await);
    assert!(seen(&db, fresh).await);

    // Nothing more to forget; a forgotten id can be recorded again.
    assert_eq!(inbox_retention::prune(&db, now).await.unwrap(), 0);
    record(&db, vec![(activity(0), now)]).await;
    assert!(seen(&db, &activity(0)).await);
}

#[tokio::test]
async fn one_batch_forgets_the_oldest_ids_first() {
    let test_db = common::TestDb::new();
    let db = database(&test_db).await;
    let now = chrono::Utc::now().naive_utc();
    let rows: Vec<(String, NaiveDateTime)> = (0..5)
        .map(|n| (activity(n), now - TimeDelta::days(30 - n as i64)))
        .collect();
    record(&db, rows).await;

    let before = now - TimeDelta::days(7);
    let deleted = db
        .write(move |conn| ReceivedActivity::prune(conn, before, 2))
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    assert!(!seen(&db, &activity(0)).await);
    assert!(!seen(&db, &activity(1)).await);
    for n in 2..5 {
        assert!(seen(&db, &activity(n)).await, "activity {n} is kept");
    }
}

#[tokio::test]
async fn a_running_instance_prunes_old_ids() {
    let test_db = common::TestDb::new();
    let db = database(&test_db).await;
    let now = chrono::Utc::now().naive_utc();
    let old = "https://peer.example/activities/old";
    let recent = "https://peer.example/activities/recent";
    record(
        &db,
        vec![
            (old.into(), now - RETENTION - TimeDelta::hours(1)),
            (recent.into(), now - TimeDelta::hours(1)),
        ],
    )
    .await;
    drop(db);

    let instance = common::TestInstance::start_on_db(test_db, &[]).await;
    let db = instance.state().db().clone();
    federation_tests::wait_until(
        "the old id to be forgotten",
        Duration::from_secs(10),
        || {
            let db = db.clone();
            async move { (!seen(&db, old).await).then_some(()) }
        },
    )
    .await;
    assert!(seen(&db, recent).await);
    instance.stop().await;
}
