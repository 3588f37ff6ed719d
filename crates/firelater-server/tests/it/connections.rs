//! The accept loop's limits over raw TCP: a client that never finishes its request head is
//! disconnected, and connections over the cap are refused with a problem document.

use firelater_testkit::TestApp;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Generous: the server must close well before this; it is not a measurement.
const CLIENT_PATIENCE: Duration = Duration::from_secs(10);

async fn connect(app: &TestApp) -> TcpStream {
    let addr = app.base.trim_start_matches("http://");
    TcpStream::connect(addr).await.expect("connect")
}

/// Reads until the server closes the connection; `None` if it keeps it open too long.
async fn read_to_close(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    match tokio::time::timeout(CLIENT_PATIENCE, stream.read_to_end(&mut buf)).await {
        Ok(_) => Some(String::from_utf8_lossy(&buf).into_owned()),
        Err(_) => None,
    }
}

/// Sends a GET of /healthz on a kept-alive connection and reads its whole answer.
async fn healthz(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(CLIENT_PATIENCE, async {
        while !String::from_utf8_lossy(&buf).ends_with("}") {
            let n = stream.read(&mut chunk).await.expect("read");
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    })
    .await
    .expect("an answer");
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let app = TestApp::builder()
        .config(|c| c.header_read_timeout = Duration::from_secs(1))
        .spawn()
        .await;
    let mut slow = connect(&app).await;
    slow.write_all(b"GET /healthz HT").await.expect("write");
    assert!(
        read_to_close(&mut slow).await.is_some(),
        "the server closed the half-sent request"
    );

    // An idle kept-alive connection is closed the same way.
    let mut idle = connect(&app).await;
    assert!(healthz(&mut idle).await.starts_with("HTTP/1.1 200"));
    assert!(
        read_to_close(&mut idle).await.is_some(),
        "the server closed the idle connection"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_connection_over_the_cap_is_refused_with_a_problem_until_one_closes() {
    let app = TestApp::builder()
        .without_login()
        .config(|c| c.max_connections = 1)
        .spawn()
        .await;
    let mut first = connect(&app).await;
    assert!(healthz(&mut first).await.starts_with("HTTP/1.1 200"));

    let mut extra = connect(&app).await;
    let answer = read_to_close(&mut extra).await.expect("the extra connection is closed");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains(r#""code":"unavailable""#), "{answer}");

    drop(first);
    let mut served = false;
    for _ in 0..100 {
        let mut next = connect(&app).await;
        if healthz(&mut next).await.starts_with("HTTP/1.1 200") {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "a new connection is served once the first one closed");
    app.stop().await;
}
