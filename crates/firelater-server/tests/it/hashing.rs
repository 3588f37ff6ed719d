//! Password hashing is bounded: with every slot taken and the queue full, a sign-in (or any
//! other request that hashes a password) is answered 503 `server_busy` with `Retry-After`
//! at once, never 500, and queued callers run when a slot frees (ADR 0012). The slot is held
//! by the test itself, so nothing here depends on timing.

use firelater_service::password::HashLimits;
use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::task::JoinSet;

/// One slot and `max_waiters` places in the queue, with a deadline no test reaches.
async fn app_with_one_slot(max_waiters: usize, queue_timeout: Duration) -> TestApp {
    TestApp::builder()
        .config(move |c| {
            c.hash_limits = HashLimits {
                concurrency: 1,
                max_waiters,
                queue_timeout,
            };
        })
        .spawn()
        .await
}

/// Asserts that `res` is the `server_busy` problem with its `Retry-After`.
async fn assert_server_busy(res: reqwest::Response) {
    assert_eq!(res.status(), 503);
    assert_eq!(
        res.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1"),
        "a busy answer says when to retry"
    );
    assert_eq!(
        res.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "server_busy");
    assert_eq!(body["status"], 503);
    assert!(body["request_id"].is_string());
}

#[tokio::test]
async fn a_login_burst_beyond_the_hashing_queue_is_503_server_busy_and_the_queued_login_succeeds() {
    let app = app_with_one_slot(1, Duration::from_secs(3600)).await;
    let hasher = app.services.hasher.clone();
    let held = hasher.acquire().await.expect("the test takes the only slot");

    const BURST: usize = 6;
    let mut logins = JoinSet::new();
    for _ in 0..BURST {
        let request = app
            .request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"tenant": "default", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}));
        logins.spawn(async move { request.send().await.expect("request") });
    }
    // One login takes the only place in the queue; every other one is turned away at once,
    // while the slot is still held.
    for _ in 0..BURST - 1 {
        let res = logins.join_next().await.expect("a login").expect("joins");
        assert_server_busy(res).await;
    }
    assert_eq!(hasher.waiting(), 1, "one login waits for the slot");

    drop(held);
    let queued = logins.join_next().await.expect("the queued login").expect("joins");
    assert_eq!(queued.status(), 200, "the queued login runs once the slot frees");
    assert_eq!(hasher.waiting(), 0);
    app.login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn a_login_that_cannot_get_a_slot_before_the_deadline_is_503_and_leaves_the_queue() {
    let app = app_with_one_slot(8, Duration::ZERO).await;
    let hasher = app.services.hasher.clone();
    let held = hasher.acquire().await.expect("the test takes the only slot");
    for email in [ADMIN_EMAIL, "nobody@example.com"] {
        // An unknown email waits for a slot like a known one: it verifies a dummy hash.
        assert_server_busy(app.try_login("default", email, ADMIN_PASSWORD).await).await;
    }
    assert_eq!(hasher.waiting(), 0, "a caller past the deadline gives its place back");
    drop(held);
    app.login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.stop().await;
}

#[tokio::test]
async fn creating_a_user_with_a_password_waits_for_a_slot_and_one_without_does_not() {
    let app = app_with_one_slot(0, Duration::from_secs(3600)).await;
    let held = app
        .services
        .hasher
        .acquire()
        .await
        .expect("the test takes the only slot");
    let res = app
        .admin(Method::POST, "/api/v1/users")
        .json(&json!({"email": "hashed@example.com", "name": "Hashed", "password": "a long enough password", "roles": ["agent"]}))
        .send()
        .await
        .expect("request");
    assert_server_busy(res).await;
    app.create_user("pending@example.com", None, &["agent"]).await;
    drop(held);
    app.create_user("hashed@example.com", Some("a long enough password"), &["agent"])
        .await;
    app.stop().await;
}
