//! Remote media through the instance: a stand-in server (`FakePeer`) serves a remote person's
//! avatar and a post's attachment; the client API points at the instance's media proxy, which
//! fetches each file once, serves it with CORS, its sniffed type and `nosniff`, refuses
//! signatures it did not make, internal addresses, oversized files and files that are no
//! media, and fetches again (or removes) what has expired.

use crate::common;

use common::{FakePeer, Remote, TestInstance};
use serde_json::{Value, json};

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// An instance whose media cache is a temporary folder, with extra settings.
async fn instance(cache: &tempfile::TempDir, extra: &[(&str, &str)]) -> TestInstance {
    let dir = cache.path().to_str().unwrap().to_string();
    let mut settings = vec![("TRELLIS_MEDIA_CACHE_DIR", dir.as_str())];
    settings.extend_from_slice(extra);
    TestInstance::start_with(&settings).await
}

/// Delivers a remote post with `attachments` (paths on `peer`) from a person whose avatar is
/// `/avatar.png`; returns the status as the public timeline shows it.
async fn remote_post(trellis: &TestInstance, peer: &FakePeer, attachments: &[&str]) -> Value {
    let avatar = peer.url("/avatar.png");
    let remote = Remote::on(peer, "painter", |actor| {
        actor["icon"] = json!({"type": "Image", "mediaType": "image/png", "url": avatar});
    })
    .await;
    let attachment: Vec<Value> = attachments
        .iter()
        .map(|path| json!({"type": "Document", "mediaType": "image/png", "url": peer.url(path)}))
        .collect();
    let note = remote.create(
        1,
        json!({"type": "Note", "content": "<p>look</p>", "attachment": attachment}),
    );
    assert_eq!(remote.deliver(trellis, &note).await, 202);
    let (status, timeline) = trellis
        .api_get("/api/v1/timelines/public", None)
        .await
        .parts();
    assert_eq!(status, 200, "{timeline}");
    timeline[0].clone()
}

/// GETs an absolute URL of the instance.
async fn load(trellis: &TestInstance, url: &str) -> reqwest::Response {
    trellis.client.get(url).send().await.unwrap()
}

fn attachment_url(status: &Value, i: usize) -> String {
    status["media_attachments"][i]["url"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn remote_attachments_and_avatars_load_through_the_instance_once() {
    let cache = tempfile::tempdir().unwrap();
    let trellis = instance(&cache, &[]).await;
    let peer = FakePeer::start().await;
    // The origin claims a wrong type: the type served is the one the bytes have.
    peer.set_bytes("/cat.png", "application/octet-stream", PNG);
    peer.set_bytes("/avatar.png", "image/png", PNG);
    let status = remote_post(&trellis, &peer, &["/cat.png"]).await;

    let attachment = &status["media_attachments"][0];
    let url = attachment_url(&status, 0);
    let proxy = format!("{}/media/proxy/", trellis.base);
    assert!(url.starts_with(&proxy), "{attachment}");
    assert_eq!(attachment["preview_url"], json!(url));
    assert_eq!(attachment["remote_url"], json!(peer.url("/cat.png")));
    let avatar = status["account"]["avatar"].as_str().unwrap();
    assert!(avatar.starts_with(&proxy), "{}", status["account"]);
    assert_eq!(status["account"]["avatar_static"], json!(avatar));
    assert_eq!(
        peer.fetches("/cat.png"),
        0,
        "nothing is fetched before a reader asks"
    );

    for _ in 0..2 {
        let response = load(&trellis, &url).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age")
        );
        assert_eq!(headers["content-disposition"], "inline");
        assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    }
    assert_eq!(
        peer.fetches("/cat.png"),
        1,
        "the second load came from the cache"
    );

    // Concurrent first loads of one file fetch it once.
    let avatar_loads = futures::future::join_all((0..4).map(|_| load(&trellis, avatar))).await;
    for response in avatar_loads {
        assert_eq!(response.status(), 200);
        assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    }
    assert_eq!(peer.fetches("/avatar.png"), 1);
    trellis.stop().await;
}

#[tokio::test]
async fn only_urls_the_instance_signed_are_fetched() {
    let cache = tempfile::tempdir().unwrap();
    let trellis = instance(&cache, &[]).await;
    let peer = FakePeer::start().await;
    peer.set_bytes("/cat.png", "image/png", PNG);
    let status = remote_post(&trellis, &peer, &["/cat.png"]).await;
    let url = attachment_url(&status, 0);
    let rest = url.trim_start_matches(&format!("{}/media/proxy/", trellis.base));
    let (signature, encoded) = rest.split_once('/').unwrap();

    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let elsewhere = b64.encode(peer.url("/avatar.png"));
    let mut forged = signature.to_string();
    forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
    for path in [
        format!("/media/proxy/{signature}/{elsewhere}"),
        format!("/media/proxy/{forged}/{encoded}"),
        format!("/media/proxy/x/{encoded}"),
        format!("/media/proxy/{signature}/%%%"),
    ] {
        let response = trellis.get(&path, "application/json").await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    }
    assert_eq!(peer.total_fetches(), peer.fetches("/users/painter"));
    trellis.stop().await;
}

#[tokio::test]
async fn oversized_files_files_that_are_no_media_and_failing_origins_are_refused() {
    let cache = tempfile::tempdir().unwrap();
    let trellis = instance(&cache, &[("TRELLIS_REMOTE_MEDIA_MAX_BYTES", "2048")]).await;
    let peer = FakePeer::start().await;
    let mut big = PNG.to_vec();
    big.resize(4096, 0);
    peer.set_bytes("/big.png", "image/png", &big);
    peer.set_bytes(
        "/page.png",
        "image/png",
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
    );
    let status = remote_post(&trellis, &peer, &["/big.png", "/page.png", "/gone.png"]).await;
    for (i, expected) in [(0, 413), (1, 422), (2, 502)] {
        let response = trellis
            .client
            .get(attachment_url(&status, i))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "attachment {i}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    }
    assert_eq!(
        std::fs::read_dir(cache.path())
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "nothing refused was cached"
    );
    trellis.stop().await;
}

#[tokio::test]
async fn without_allow_http_internal_addresses_are_refused_before_connecting() {
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap().to_string();
    let trellis = TestInstance::start_tls(&[("TRELLIS_MEDIA_CACHE_DIR", dir.as_str())]).await;
    let peer = FakePeer::start().await;
    peer.set_bytes("/cat.png", "image/png", PNG);
    let port = peer.authority().rsplit(':').next().unwrap().to_string();
    for remote in [
        format!("https://127.0.0.1:{port}/cat.png"),
        format!("http://127.0.0.1:{port}/cat.png"),
        format!("https://localhost:{port}/cat.png"),
    ] {
        let url = trellis.state().proxied_url(&remote);
        assert!(url.contains("/media/proxy/"), "{url}");
        let response = load(&trellis, &url).await;
        assert_eq!(response.status(), 502, "{remote}");
    }
    assert_eq!(peer.total_fetches(), 0);
    trellis.stop().await;
}

#[tokio::test]
async fn expired_files_are_fetched_again_and_removed_by_the_maintenance() {
    let cache = tempfile::tempdir().unwrap();
    let trellis = instance(&cache, &[("TRELLIS_REMOTE_MEDIA_TTL", "1s")]).await;
    let peer = FakePeer::start().await;
    peer.set_bytes("/cat.png", "image/png", PNG);
    let status = remote_post(&trellis, &peer, &["/cat.png"]).await;
    let url = attachment_url(&status, 0);
    assert_eq!(load(&trellis, &url).await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(load(&trellis, &url).await.status(), 200);
    assert_eq!(
        peer.fetches("/cat.png"),
        2,
        "the expired file was fetched again"
    );
    assert_eq!(cached_files(cache.path()), 1, "the older file is gone");

    let later = chrono::Utc::now().naive_utc() + chrono::TimeDelta::seconds(2);
    let removed = trellis::federation::remote_media::cache::expire(trellis.state(), later)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(cached_files(cache.path()), 0);
    assert_eq!(load(&trellis, &url).await.status(), 200);
    assert_eq!(peer.fetches("/cat.png"), 3);
    trellis.stop().await;
}

/// The files under `dir`, in every sub-folder.
fn cached_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() {
                        cached_files(&path)
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
