//! The HTTP/1.1 accept loop: hyper's connection builder with a header-read timeout (which is
//! also the idle limit of a kept-alive connection), a cap on concurrent connections, and
//! graceful shutdown. `axum::serve` offers none of the limits, so FireLater runs its own loop.
//!
//! Invariants: a connection that does not finish its request head within the timeout is
//! closed (so slow-header clients cannot hold sockets); at most `max_connections` are served
//! at once and one more is answered `503` problem+json and closed at once, without reading
//! it; on shutdown no connection is accepted, idle ones close, and in-flight requests get
//! `grace` to finish.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// hyper's read buffer, which bounds a request head: a head that does not fit is answered a
/// bare `431` and the connection closed, before the application sees it. It is well above
/// the application's own limits (`security::MAX_URI_BYTES` + `security::MAX_HEADER_BYTES`),
/// which answer problem documents, so only a head past 128 KiB gets the bare answer. hyper's
/// other backstops stay at their defaults: more than 100 header fields is a bare `431`, a URI
/// over 64 KiB a bare `414` (setting `max_headers` would allocate the fields on the heap for
/// every request).
pub const HEAD_BUFFER_BYTES: usize = 128 * 1024;

/// Limits of the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// Longest a client may take to send a request head, and longest a kept-alive
    /// connection may sit idle before its next request.
    pub header_read_timeout: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
    /// How long in-flight requests may run on after shutdown begins.
    pub grace: Duration,
}

/// The answer to a connection over the cap, written without reading the request.
fn refusal() -> Vec<u8> {
    let id = uuid::Uuid::now_v7();
    let body = serde_json::json!({
        "type": "https://firelater.dev/problems/unavailable",
        "title": "Service unavailable",
        "status": 503,
        "detail": "the server is serving as many connections as it may; try again shortly",
        "code": "unavailable",
        "request_id": id.to_string(),
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nretry-after: 1\r\nx-request-id: {id}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn refuse(stream: TcpStream) {
    // What the client sent already is read and dropped (closing a socket with unread data
    // resets it, and the client would lose the answer); then one non-blocking write into an
    // empty socket buffer. No task is spawned, so a flood costs no memory.
    let mut sink = [0u8; 8192];
    while matches!(stream.try_read(&mut sink), Ok(n) if n > 0) {}
    let _ = stream.try_write(&refusal());
    drop(stream);
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains the connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let max = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let permits = Arc::new(Semaphore::new(max as usize));
    let (closing_tx, closing_rx) = watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(HEAD_BUFFER_BYTES)
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(%remote, "connection refused: at FIRELATER_MAX_CONNECTIONS");
            refuse(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(remote));
            app.clone().oneshot(req)
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut conn = std::pin::pin!(conn);
            let closing = async move {
                let _ = closing.wait_for(|c| *c).await;
            };
            let result = tokio::select! {
                result = conn.as_mut() => result,
                () = closing => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %remote, "connection ended");
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    // Every connection holds a permit until it ends: all of them back means all are closed.
    if tokio::time::timeout(limits.grace, permits.acquire_many(max))
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period; they end when the process exits");
    }
    Ok(())
}
