//! A stand-in for another server: it serves ActivityPub documents (or any text) set by the
//! test at their paths, accepts every POST (deliveries) with 202 unless told to refuse them,
//! and counts the GETs of each path.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::task::JoinHandle;

/// What the peer serves and what it was asked for.
#[derive(Default)]
struct Served {
    /// Path -> (content type, body).
    documents: Mutex<HashMap<String, (String, Vec<u8>)>>,
    fetches: Mutex<HashMap<String, usize>>,
    /// POSTs are answered 503.
    refusing: AtomicBool,
}

/// A server on `localhost:PORT` answering with fixed documents.
pub struct FakePeer {
    /// `http://localhost:PORT`
    pub base: String,
    served: Arc<Served>,
    task: JoinHandle<()>,
}

impl FakePeer {
    /// Starts serving (nothing yet: every GET is 404 until [`FakePeer::set`]).
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = Arc::new(Served::default());
        let app = Router::new().fallback(answer).with_state(served.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base: format!("http://localhost:{port}"),
            served,
            task,
        }
    }

    /// Answers every POST (delivery) with 503 from now on, so deliveries stay queued.
    pub fn refuse_deliveries(&self) {
        self.served.refusing.store(true, Ordering::SeqCst);
    }

    /// `host:port` of this peer.
    pub fn authority(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    /// The absolute URL of `path` on this peer.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Serves `document` at `path` from now on, as `application/activity+json`.
    pub fn set(&self, path: &str, document: Value) {
        self.set_raw(path, "application/activity+json", &document.to_string());
    }

    /// Serves `body` as is at `path` from now on, with `content_type`.
    pub fn set_raw(&self, path: &str, content_type: &str, body: &str) {
        self.set_bytes(path, content_type, body.as_bytes());
    }

    /// Serves the bytes `body` at `path` from now on, with `content_type`.
    pub fn set_bytes(&self, path: &str, content_type: &str, body: &[u8]) {
        self.served
            .documents
            .lock()
            .unwrap()
            .insert(path.to_string(), (content_type.to_string(), body.to_vec()));
    }

    /// How many GETs the peer has answered, whatever their path.
    pub fn total_fetches(&self) -> usize {
        self.served.fetches.lock().unwrap().values().sum()
    }

    /// How many GETs of `path` the peer has answered.
    pub fn fetches(&self, path: &str) -> usize {
        self.served
            .fetches
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for FakePeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State(served): State<Arc<Served>>, method: Method, uri: Uri) -> Response {
    if method == Method::POST {
        if served.refusing.load(Ordering::SeqCst) {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        return StatusCode::ACCEPTED.into_response();
    }
    let path = uri.path().to_string();
    *served
        .fetches
        .lock()
        .unwrap()
        .entry(path.clone())
        .or_default() += 1;
    match served.documents.lock().unwrap().get(&path) {
        Some((content_type, body)) => {
            ([(header::CONTENT_TYPE, content_type.clone())], body.clone()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
