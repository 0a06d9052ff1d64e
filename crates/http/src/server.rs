//! Serving connections: HTTP/1.1 (with upgrades, for WebSockets) through hyper, over plain TCP
//! or TLS ([`crate::tls`]), with a header-read timeout and a cap on open connections, and a
//! graceful shutdown.
//!
//! - A client that does not send a complete request head within `header_read_timeout` is
//!   disconnected, whether it stalls mid-headers, never sends anything, or idles on a
//!   kept-alive connection between requests.
//! - At most `max_connections` connections are open at once. The accept loop takes a slot
//!   before accepting, so further clients wait in the listen backlog until one closes. A slot
//!   lives with the socket, so an upgraded WebSocket keeps its slot until it closes.
//! - With TLS, the handshake runs in the connection's own task (it holds a slot, never the
//!   accept loop) and must finish within `header_read_timeout` too.
//! - On shutdown the listener closes, open connections finish their requests and close, and
//!   `serve` returns once every slot is free (streams are ended by the instance first).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;
use tower_http::normalize_path::NormalizePath;

/// How long the accept loop pauses after an error that is not the client's (too many open
/// files, say), so it does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// How connections are served.
#[derive(Clone)]
pub struct ServeSettings {
    /// How long a client may take to finish the TLS handshake, and to send a request head.
    pub header_read_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Serve https with this acceptor ([`crate::tls::acceptor`]); plain http without.
    pub tls: Option<TlsAcceptor>,
}

/// Serves `app` on `listener` until `signal` resolves, then shuts down gracefully.
pub async fn serve(
    listener: TcpListener,
    app: NormalizePath<Router>,
    settings: ServeSettings,
    signal: impl Future<Output = ()>,
) -> io::Result<()> {
    let capacity = settings.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(capacity));
    let (stop, stopped) = watch::channel(false);
    tokio::pin!(signal);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = &mut signal => break,
        };
        let (socket, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            _ = &mut signal => break,
        };
        let _ = socket.set_nodelay(true);
        let io = SlotStream {
            socket,
            _slot: slot,
        };
        tokio::spawn(socket_task(
            io,
            peer,
            app.clone(),
            settings.clone(),
            stopped.clone(),
        ));
    }
    drop(listener);
    stop.send_replace(true);
    let all = u32::try_from(capacity).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

/// Serves one accepted socket: its TLS handshake first when serving https.
async fn socket_task(
    io: SlotStream,
    peer: SocketAddr,
    app: NormalizePath<Router>,
    settings: ServeSettings,
    stopped: watch::Receiver<bool>,
) {
    match settings.tls.clone() {
        None => connection(io, peer, app, settings, stopped).await,
        Some(tls) => {
            if let Some(io) = handshake(&tls, io, peer, &settings, stopped.clone()).await {
                connection(io, peer, app, settings, stopped).await;
            }
        }
    }
}

/// The TLS handshake of one connection, bounded by the header-read timeout; `None` when it
/// fails, times out, or the server stops first (the socket, and its slot, are dropped then).
async fn handshake(
    tls: &TlsAcceptor,
    io: SlotStream,
    peer: SocketAddr,
    settings: &ServeSettings,
    mut stopped: watch::Receiver<bool>,
) -> Option<tokio_rustls::server::TlsStream<SlotStream>> {
    let accepting = tokio::time::timeout(settings.header_read_timeout, tls.accept(io));
    tokio::select! {
        accepted = accepting => match accepted {
            Ok(Ok(stream)) => Some(stream),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, %peer, "TLS handshake failed");
                None
            }
            Err(_) => {
                tracing::debug!(%peer, "TLS handshake timed out");
                None
            }
        },
        _ = stopped.wait_for(|stop| *stop) => None,
    }
}

/// Serves one connection until it closes, or finishes it when the server stops.
async fn connection<Io>(
    io: Io,
    peer: SocketAddr,
    app: NormalizePath<Router>,
    settings: ServeSettings,
    mut stopped: watch::Receiver<bool>,
) where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let app = app.clone();
        async move {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            app.oneshot(request).await
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout);
    let connection = builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(connection);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(error = %e, %peer, "connection ended with an error");
                }
                break;
            }
            _ = stopped.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A socket holding its connection slot: the slot is freed when the socket is dropped, also
/// after an upgrade hands the socket over to a WebSocket.
struct SlotStream {
    socket: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for SlotStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for SlotStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_shutdown(cx)
    }
}
