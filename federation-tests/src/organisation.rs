//! One organisation's instances: https with the test CA, in `allowlist` mode, each with the
//! others as its peers.

use crate::instance::{Instance, Launch, reserve_port};

/// Starts one https instance per name, in `allowlist` mode, each with the others as
/// `TRELLIS_FEDERATION_PEERS`, plus `extra` settings, and waits until all are healthy. The
/// ports are reserved before any instance starts, so every peer list names the real
/// addresses; the processes start together.
pub async fn start_organisation(names: &[&str], extra: &[(&str, &str)]) -> Vec<Instance> {
    let listeners: Vec<std::net::TcpListener> = names.iter().map(|_| reserve_port()).collect();
    let authorities: Vec<String> = listeners
        .iter()
        .map(|l| format!("localhost:{}", l.local_addr().expect("bound").port()))
        .collect();
    let mut instances = Vec::with_capacity(names.len());
    for (index, (name, listener)) in names.iter().zip(listeners).enumerate() {
        let peers: Vec<&str> = authorities
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .map(|(_, authority)| authority.as_str())
            .collect();
        let peers = peers.join(",");
        let mut launch = Launch::tls(&[
            ("TRELLIS_FEDERATION_MODE", "allowlist"),
            ("TRELLIS_FEDERATION_PEERS", &peers),
        ]);
        launch
            .settings
            .extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        launch.port = Some(listener.local_addr().expect("bound").port());
        let mut instance = Instance::prepare(name, launch);
        drop(listener);
        instance.spawn_process();
        instances.push(instance);
    }
    for instance in &mut instances {
        instance.wait_healthy().await;
    }
    instances
}
