//! Static images and the favicon: the right type, caching, `nosniff`, and CORS for web
//! clients that load images with `crossorigin`.

use crate::common;

use common::TestInstance;
use reqwest::StatusCode;

#[tokio::test]
async fn static_images_and_the_favicon_are_served_to_any_origin() {
    let instance = TestInstance::start().await;
    for (path, media_type) in [
        ("/static/avatar.png", "image/png"),
        ("/static/header.png", "image/png"),
        ("/favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/png"),
    ] {
        let response = instance
            .client
            .get(format!("{}{path}", instance.base))
            .header("Origin", "https://phanpy.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], media_type, "{path}");
        assert_eq!(headers["access-control-allow-origin"], "*", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age"),
            "{path}"
        );
        assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
    }
    // Pages are not for other origins, and link the icon.
    let page = instance
        .client
        .get(format!("{}/articles", instance.base))
        .header("Origin", "https://phanpy.example")
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("access-control-allow-origin").is_none());
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<link rel="icon" href="/favicon.svg""#),
        "{html}"
    );
    instance.stop().await;
}
