//! Media uploads over HTTP: images cleaned of their metadata, scaled and given a thumbnail
//! and a blurhash; hostile and oversized files refused; documents served as downloads;
//! descriptions changed; unattached uploads cleaned up.

use crate::common;

use common::TestInstance;
use reqwest::StatusCode;
use serde_json::Value;

/// A multipart body with a `file` part and text parts; returns the content type and body.
fn multipart(file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "trellis-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    api: &TestInstance,
    token: &str,
    path: &str,
    file_name: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let (content_type, body) = multipart(file_name, bytes, fields);
    let response = api
        .client
        .post(format!("{}{path}", api.base))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A JPEG of `width`x`height` carrying an EXIF segment with a GPS position.
fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut plain)
        .encode_image(&image)
        .unwrap();
    // TIFF header, IFD0 with one entry (GPSInfo -> the GPS IFD), the GPS IFD with one ASCII
    // entry (GPSLatitudeRef) and a recognisable processing-method text.
    let mut tiff: Vec<u8> = b"II*\x00\x08\x00\x00\x00".to_vec();
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&26u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0x1B, 0, 7, 0, 24, 0, 0, 0]);
    tiff.extend_from_slice(&56u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"ASCII\0\0\0GPSMARKER-52.52N");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small valid PNG whose header claims 50000x50000 pixels.
fn png_bomb() -> Vec<u8> {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(1, 1))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png[16..20].copy_from_slice(&50_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

async fn fetch(api: &TestInstance, url: &str) -> reqwest::Response {
    let path = url.split_once("/media/").map(|(_, key)| key).unwrap();
    api.get(&format!("/media/{path}"), "*/*").await
}

#[tokio::test]
async fn an_image_is_stored_without_its_location_with_a_thumbnail_and_blurhash() {
    let api = TestInstance::start().await;
    let tokens = api.people(&["alice"]).await;
    let original = jpeg_with_gps(1200, 800);
    assert!(contains(&original, b"GPSMARKER"));
    let (status, entity) = upload(
        &api,
        &tokens[0],
        "/api/v2/media",
        "holiday.jpg",
        &original,
        &[("description", "A quiet harbour"), ("focus", "0.5,-0.25")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    assert_eq!(entity["type"], "image");
    assert_eq!(entity["description"], "A quiet harbour");
    assert_eq!(entity["meta"]["original"]["width"], 1200);
    assert_eq!(entity["meta"]["original"]["height"], 800);
    assert_eq!(entity["meta"]["small"]["width"], 640);
    assert_eq!(entity["meta"]["focus"]["x"], 0.5);
    assert!(entity["blurhash"].as_str().is_some_and(|b| b.len() > 6));

    let response = fetch(&api, entity["url"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(headers.get("content-disposition").is_none());
    let served = response.bytes().await.unwrap();
    assert!(served.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!contains(&served, b"Exif"), "EXIF kept");
    assert!(!contains(&served, b"GPSMARKER"), "GPS kept");

    let thumbnail = fetch(&api, entity["preview_url"].as_str().unwrap()).await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    let small = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (640, 427));

    // The uploader reads and redescribes it; nobody else sees it.
    let id = entity["id"].as_str().unwrap();
    let reply = api
        .api_get(&format!("/api/v1/media/{id}"), Some(&tokens[0]))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let bob = api.people(&["bob"]).await.remove(0);
    let reply = api
        .api_get(&format!("/api/v1/media/{id}"), Some(&bob))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = api
        .api(
            reqwest::Method::PUT,
            &format!("/api/v1/media/{id}"),
            Some(&tokens[0]),
            Some(serde_json::json!({"description": "The harbour at dawn"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["description"], "The harbour at dawn");
    api.stop().await;
}

#[tokio::test]
async fn hostile_and_oversized_files_are_refused_with_a_message() {
    let api = TestInstance::start_with(&[("TRELLIS_MEDIA_MAX_FILE_BYTES", "4096")]).await;
    let token = api.people(&["alice"]).await.remove(0);
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
    let (status, body) = upload(&api, &token, "/api/v2/media", "cat.png", html, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("not accepted"),
        "{body}"
    );

    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>";
    let (status, _) = upload(&api, &token, "/api/v1/media", "logo.svg", svg, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00";
    let (status, _) = upload(&api, &token, "/api/v2/media", "report.pdf", exe, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, body) = upload(&api, &token, "/api/v2/media", "tiny.png", &png_bomb(), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"].as_str().unwrap().contains("pixels"), "{body}");

    let mut big_pdf = b"%PDF-1.7\n".to_vec();
    big_pdf.resize(10_000, b' ');
    let (status, body) = upload(&api, &token, "/api/v2/media", "big.pdf", &big_pdf, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["error"].as_str().unwrap().contains("4096"), "{body}");
    api.stop().await;
}

#[tokio::test]
async fn a_pdf_is_served_as_a_download_and_unattached_uploads_are_cleaned_up() {
    let api = TestInstance::start().await;
    let token = api.people(&["alice"]).await.remove(0);
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let (status, entity) = upload(&api, &token, "/api/v2/media", "minutes.pdf", pdf, &[]).await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    assert_eq!(entity["type"], "unknown");
    let response = fetch(&api, entity["url"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(&response.bytes().await.unwrap()[..], pdf);

    // Two days later it was never attached: the cleanup removes the row and the file.
    let id: i64 = entity["id"].as_str().unwrap().parse().unwrap();
    let state = api.state().clone();
    state
        .db()
        .write(move |conn| {
            use diesel::prelude::*;
            use trellis::db::schema::media_attachments;
            let old = chrono::Utc::now().naive_utc() - chrono::Duration::hours(48);
            diesel::update(media_attachments::table.find(id))
                .set(media_attachments::created_at.eq(old))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let removed = trellis::services::media::remove_unattached(&state)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    let response = fetch(&api, entity["url"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let reply = api
        .api_get(&format!("/api/v1/media/{id}"), Some(&token))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    api.stop().await;
}
