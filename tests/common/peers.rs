//! Several instances of one organisation: each has the others as its federation peers.

use super::{INTERNAL_TOKEN, TestDb, TestInstance};

/// Starts `count` instances with the internal interface, each configured with the others as
/// `TRELLIS_FEDERATION_PEERS`, plus `extra` settings. Their listeners are bound before any
/// starts, so every peer list names real addresses.
pub async fn start_peers(count: usize, extra: &[(&str, &str)]) -> Vec<TestInstance> {
    let mut listeners = Vec::with_capacity(count);
    for _ in 0..count {
        listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap());
    }
    let authorities: Vec<String> = listeners
        .iter()
        .map(|l| format!("localhost:{}", l.local_addr().unwrap().port()))
        .collect();
    let mut instances = Vec::with_capacity(count);
    for (index, listener) in listeners.into_iter().enumerate() {
        let peers: Vec<&str> = authorities
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .map(|(_, authority)| authority.as_str())
            .collect();
        let peers = peers.join(",");
        let mut settings: Vec<(&str, &str)> = vec![
            ("TRELLIS_INTERNAL_API_TOKEN", INTERNAL_TOKEN),
            ("TRELLIS_FEDERATION_PEERS", &peers),
        ];
        settings.extend_from_slice(extra);
        instances.push(TestInstance::start_on_listener(listener, TestDb::new(), &settings).await);
    }
    instances
}
