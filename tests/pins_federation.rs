//! Pins across servers: pinning sends an `Add` of the post to the author's `featured`
//! collection to their remote followers and unpinning a `Remove`; the receiving server shows
//! the pinned post on the author's profile there.

use std::time::Duration;

use crate::department_only::{departments, resolve};

use reqwest::StatusCode;
use serde_json::{Value, json};

/// The uris of the pinned statuses `path` lists on `instance`, once `check` holds.
async fn pinned_until(
    instance: &crate::common::TestInstance,
    token: &str,
    path: &str,
    check: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    for _ in 0..300 {
        let body = instance.api_get(path, Some(token)).await.body;
        let uris: Vec<String> = body
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["uri"].as_str().map(str::to_string))
            .collect();
        if check(&uris) {
            return uris;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the pinned statuses never got there");
}

#[tokio::test]
async fn pins_and_unpins_reach_remote_followers() {
    let d = departments().await;
    let first = d
        .alpha
        .post_status(&d.alice, json!({ "status": "Read this first" }))
        .await;
    let second = d
        .alpha
        .post_status(&d.alice, json!({ "status": "And this" }))
        .await;
    let uri = |post: &Value| post["uri"].as_str().unwrap().to_string();
    let alice_on_beta = resolve(&d.beta, &d.bob, &format!("alice@{}", d.alpha.domain)).await;
    let path = format!("/api/v1/accounts/{alice_on_beta}/statuses?pinned=true");
    // Both posts reached beta (bob follows alice), neither pinned yet.
    pinned_until(
        &d.beta,
        &d.bob,
        &format!("/api/v1/accounts/{alice_on_beta}/statuses"),
        |u| u.contains(&uri(&first)) && u.contains(&uri(&second)),
    )
    .await;
    assert!(d.beta.api_get(&path, Some(&d.bob)).await.ids().is_empty());

    for post in [&first, &second] {
        let pin = d
            .alpha
            .api_post(
                &format!("/api/v1/statuses/{}/pin", post["id"].as_str().unwrap()),
                Some(&d.alice),
                None,
            )
            .await;
        assert_eq!(pin.status, StatusCode::OK, "{:?}", pin.body);
    }
    pinned_until(&d.beta, &d.bob, &path, |u| u.len() == 2).await;

    let unpin = d
        .alpha
        .api_post(
            &format!("/api/v1/statuses/{}/unpin", first["id"].as_str().unwrap()),
            Some(&d.alice),
            None,
        )
        .await;
    assert_eq!(unpin.status, StatusCode::OK);
    let left = pinned_until(&d.beta, &d.bob, &path, |u| u.len() == 1).await;
    assert_eq!(left, vec![uri(&second)]);
}
