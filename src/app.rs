//! Start-up and shutdown of a serving instance.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use activitypub_federation::config::FederationConfig;

use trellis_config::Config;
use trellis_domain::services::articles::channels;
use trellis_domain::services::{ServiceError, events, instance_actor};
use trellis_domain::state::AppState;
use trellis_federation::context::{federation_config, http_client};
use trellis_federation::delivery::worker;
use trellis_federation::directory;
use trellis_federation::lookup::FederatedLookup;
use trellis_http::server::{self, ServeSettings};
use trellis_http::tls::{self, TlsError};
use trellis_storage::{Database, DbError, OpenMode};

/// Why an instance could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Storage could not be opened or migrated.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Start-up data could not be prepared.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Federation could not be configured.
    #[error(transparent)]
    Federation(#[from] trellis_federation::error::FederationError),
    /// The TLS certificate or key (`TRELLIS_TLS_CERT_FILE`, `TRELLIS_TLS_KEY_FILE`) cannot be
    /// used.
    #[error("cannot serve https: {0}")]
    Tls(#[from] TlsError),
    /// The media store cannot be set up.
    #[error("cannot use the media storage: {0}")]
    Media(#[from] trellis_media::StoreError),
    /// The listen address could not be bound, or serving failed.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The configured address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// A running instance: its address, and a handle to stop it gracefully.
pub struct RunningInstance {
    /// The bound address (useful when the port was 0).
    pub addr: SocketAddr,
    /// Shared state, for tests and tools.
    pub state: AppState,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<Result<(), std::io::Error>>,
    stop_worker: watch::Sender<bool>,
    worker: JoinHandle<()>,
    tailer: JoinHandle<()>,
    directory: JoinHandle<()>,
}

impl RunningInstance {
    /// Stops accepting connections, lets in-flight requests finish and closes the database.
    pub async fn stop(self) -> Result<(), AppError> {
        let _ = self.shutdown.send(());
        let _ = self.stop_worker.send(true);
        // Streaming responses never end by themselves: end them so the server can stop.
        self.state.events().stop_streams();
        let served = self.server.await;
        let _ = self.worker.await;
        let _ = self.tailer.await;
        let _ = self.directory.await;
        let addr = self.addr;
        let listen_error = |reason: String| AppError::Listen { addr, reason };
        served
            .map_err(|e| listen_error(e.to_string()))?
            .map_err(|e| listen_error(e.to_string()))?;
        self.state.db().clone().close().await?;
        Ok(())
    }
}

/// Opens the database (creating an SQLite file on first start), applies migrations and
/// prepares the instance actor and the article channels.
pub async fn prepare(config: Config) -> Result<AppState, AppError> {
    let db = Database::open(&config.database, OpenMode::CreateIfMissing)?;
    let applied = db.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied database migrations");
    }
    let state = new_state(config, db)?;
    instance_actor::ensure(&state).await?;
    channels::ensure_all(&state).await?;
    Ok(state)
}

/// The state of an instance on `db`, with the federation crate's remote lookup installed.
pub fn new_state(config: Config, db: Database) -> Result<AppState, AppError> {
    let media = trellis_media::MediaStore::from_settings(&config.media)?;
    Ok(AppState::new(
        config,
        db,
        Arc::new(FederatedLookup::default()),
        media,
    ))
}

/// The federation configuration of a prepared instance (fetches signed by its instance actor,
/// sent through `client`).
pub async fn federation(
    state: &AppState,
    client: reqwest_middleware::ClientWithMiddleware,
) -> Result<FederationConfig<AppState>, AppError> {
    let actor = instance_actor::ensure(state).await?;
    Ok(federation_config(state.clone(), actor, client).await?)
}

/// Prepares the instance and starts serving on the configured address in the background.
pub async fn start(config: Config) -> Result<RunningInstance, AppError> {
    let addr = config.listen;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| AppError::Listen {
            addr,
            reason: e.to_string(),
        })?;
    start_on(listener, config).await
}

/// Prepares the instance and serves on an already bound listener (tests bind port 0 first
/// to learn the port their domain must name).
pub async fn start_on(listener: TcpListener, config: Config) -> Result<RunningInstance, AppError> {
    let addr = listener.local_addr().map_err(|e| AppError::Listen {
        addr: config.listen,
        reason: e.to_string(),
    })?;
    // The certificate is read before anything else, so a bad file changes nothing.
    let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    if tls.is_some() && config.allow_http {
        tracing::warn!(
            "serving https, but TRELLIS_ALLOW_HTTP names this instance with http:// URLs, which \
             other servers will not reach"
        );
    }
    let state = prepare(config).await?;
    // One client for every outgoing request: fetches and deliveries.
    let client = http_client(&state)?;
    let federation = federation(&state, client.clone()).await?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let router = trellis_http::router(state.clone(), federation.clone());
    let (stop_worker, worker_stopped) = watch::channel(false);
    let tailer = events::spawn(state.clone(), worker_stopped.clone());
    let directory = directory::spawn_refresher(federation, worker_stopped.clone());
    let worker = worker::spawn(state.clone(), client, state.delivery_wake(), worker_stopped);
    let settings = ServeSettings {
        header_read_timeout: state.config().limits.header_read_timeout,
        max_connections: state.config().limits.max_connections,
        tls,
    };
    let server = tokio::spawn(async move {
        // `/api/v1/instance/` and `/oauth/authorize/` answer like their canonical paths.
        let app = tower::Layer::layer(
            &tower_http::normalize_path::NormalizePathLayer::trim_trailing_slash(),
            router,
        );
        server::serve(listener, app, settings, async {
            let _ = stopped.await;
        })
        .await
    });
    tracing::info!(%addr, scheme, domain = state.urls().domain(), database = ?state.config().database, "serving {scheme}");
    Ok(RunningInstance {
        addr,
        state,
        shutdown,
        server,
        stop_worker,
        worker,
        tailer,
        directory,
    })
}

/// Serves until `signal` resolves, then shuts down gracefully.
pub async fn serve_until(config: Config, signal: impl Future<Output = ()>) -> Result<(), AppError> {
    let running = start(config).await?;
    signal.await;
    tracing::info!("shutting down: finishing in-flight requests");
    running.stop().await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled, so a signal that arrives while the server is starting is
/// not lost (and does not kill the process before its graceful shutdown).
pub fn termination_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {},
                _ = wait(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
