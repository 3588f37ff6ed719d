//! A user's own sessions: listed with the current one marked, revocable one by one or all but
//! the current, each revocation acting on the very next request; `last_used_at` moves at most
//! once a minute.

use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fake_clock};
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough password";

async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    app.login("default", email, password).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app
        .request(Method::GET, "/api/v1/auth/sessions")
        .bearer_auth(token)
        .send()
        .await
        .expect("list");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(
        body["meta"]["total"].as_u64(),
        Some(body["data"].as_array().expect("data").len() as u64)
    );
    body["data"].as_array().expect("data").clone()
}

/// The id of the session `token` belongs to.
async fn current_session(app: &TestApp, token: &str) -> String {
    let list = sessions(app, token).await;
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1, "exactly one session is current: {list:?}");
    current[0]["id"].as_str().expect("id").to_owned()
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.request(Method::GET, "/api/v1/auth/me")
        .bearer_auth(token)
        .send()
        .await
        .expect("me")
        .status()
        .as_u16()
}

#[tokio::test]
async fn my_sessions_are_listed_with_the_current_one_marked_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let res = app
        .request(Method::POST, "/api/v1/auth/login")
        .header("user-agent", "phone/1.0")
        .json(&json!({"tenant": "default", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    app.create_user("other@example.com", Some(PASSWORD), &["agent"]).await;
    let other = sign_in(&app, "other@example.com", PASSWORD).await;

    let list = sessions(&app, &app.admin_token).await;
    assert_eq!(list.len(), 2, "the admin's two sessions, not the other user's");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.iter().any(|s| s["user_agent"] == "phone/1.0"), "{list:?}");
    for s in &list {
        assert_eq!(s["ip"], "127.0.0.1");
        for field in ["id", "created_at", "last_used_at"] {
            assert!(s[field].is_string(), "{field}: {s}");
        }
    }
    assert_eq!(sessions(&app, &other).await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn revoking_one_session_ends_it_at_once_and_leaves_the_others() {
    let app = TestApp::spawn().await;
    let laptop = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let laptop_session = current_session(&app, &laptop).await;
    assert_eq!(me_status(&app, &laptop).await, 200);

    let res = app
        .admin(Method::DELETE, &format!("/api/v1/auth/sessions/{laptop_session}"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 204);
    let res = app
        .request(Method::GET, "/api/v1/auth/me")
        .bearer_auth(&laptop)
        .send()
        .await
        .expect("me");
    assert_eq!(res.status(), 401, "the revoked token fails on its very next request");
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "session_revoked");
    assert_eq!(me_status(&app, &app.admin_token).await, 200);
    assert_eq!(sessions(&app, &app.admin_token).await.len(), 1);
    assert_eq!(
        app.admin(Method::DELETE, &format!("/api/v1/auth/sessions/{laptop_session}"))
            .send()
            .await
            .expect("again")
            .status(),
        404,
        "an ended session is no longer there to revoke"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_session_in_use_is_ended_by_logout_not_by_revoke() {
    let app = TestApp::spawn().await;
    let mine = current_session(&app, &app.admin_token).await;
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/auth/sessions/{mine}"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 400);
    assert!(
        res.json::<Value>().await.expect("json")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("logout"))
    );
    assert_eq!(me_status(&app, &app.admin_token).await, 200);
    app.stop().await;
}

#[tokio::test]
async fn another_users_session_is_404_and_stays_live() {
    let app = TestApp::spawn().await;
    app.create_user("other@example.com", Some(PASSWORD), &["agent"]).await;
    let other = sign_in(&app, "other@example.com", PASSWORD).await;
    let their_session = current_session(&app, &other).await;
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/auth/sessions/{their_session}"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 404);
    assert_eq!(me_status(&app, &other).await, 200);
    app.stop().await;
}

#[tokio::test]
async fn revoking_all_keeps_only_the_current_session() {
    let app = TestApp::spawn().await;
    let a = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let b = sign_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = app
        .admin(Method::DELETE, "/api/v1/auth/sessions")
        .send()
        .await
        .expect("revoke all");
    assert_eq!(res.status(), 204);
    assert_eq!(me_status(&app, &a).await, 401);
    assert_eq!(me_status(&app, &b).await, 401);
    assert_eq!(me_status(&app, &app.admin_token).await, 200);
    let left = sessions(&app, &app.admin_token).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["current"], true);
    app.stop().await;
}

#[tokio::test]
async fn last_used_at_moves_at_most_once_a_minute() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let t0 = firelater_core::Clock::now(app.fake_clock());
    let last_used = || async {
        let list = sessions(&app, &app.admin_token).await;
        let at = list[0]["last_used_at"].as_str().expect("at").to_owned();
        chrono::DateTime::parse_from_rfc3339(&at).expect("rfc3339")
    };
    assert_eq!(last_used().await, t0);
    app.fake_clock().advance(chrono::Duration::seconds(30));
    assert_eq!(last_used().await, t0, "a request within the minute writes nothing");
    app.fake_clock().advance(chrono::Duration::seconds(60));
    assert_eq!(last_used().await, t0 + chrono::Duration::seconds(90));
    app.stop().await;
}

#[tokio::test]
async fn an_api_key_has_no_sessions_to_manage() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/api-keys")
        .json(&json!({"name": "svc", "permissions": ["users:read"]}))
        .send()
        .await
        .expect("key");
    let key = res.json::<Value>().await.expect("json")["key"]
        .as_str()
        .expect("key")
        .to_owned();
    for (method, path) in [
        (Method::GET, "/api/v1/auth/sessions"),
        (Method::DELETE, "/api/v1/auth/sessions"),
        (Method::POST, "/api/v1/auth/mfa/enroll"),
    ] {
        let res = app.request(method, path).bearer_auth(&key).send().await.expect("send");
        assert_eq!(res.status(), 403, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn each_session_names_its_device_in_words() {
    let app = TestApp::spawn().await;
    let agents = [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        ("curl/8.5.0", "curl"),
    ];
    for (agent, _) in agents {
        let res = app
            .request(Method::POST, "/api/v1/auth/login")
            .header("user-agent", agent)
            .json(&json!({"tenant": "default", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 200);
    }
    let list = sessions(&app, &app.admin_token).await;
    for (agent, device) in agents {
        let s = list
            .iter()
            .find(|s| s["user_agent"] == agent)
            .unwrap_or_else(|| panic!("no session for {agent}: {list:?}"));
        assert_eq!(s["device"], device, "{s}");
    }
    // The test client's own session has some description, never a missing field.
    assert!(list.iter().all(|s| s["device"].is_string()), "{list:?}");
    app.stop().await;
}
