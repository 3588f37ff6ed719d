//! Account security: lockout, password policy, password changes and resets, notification
//! preferences.

use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fake_clock};
use reqwest::Method;
use serde_json::{Value, json};

async fn status_of_me(app: &TestApp, token: &str) -> u16 {
    app.request(Method::GET, "/api/v1/auth/me")
        .bearer_auth(token)
        .send()
        .await
        .expect("me")
        .status()
        .as_u16()
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_for_15_minutes_with_the_same_answer() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    app.create_user("lock@example.com", Some("the right password 1"), &["agent"])
        .await;
    for _ in 0..5 {
        let res = app.try_login("default", "lock@example.com", "a wrong password 1").await;
        assert_eq!(res.status(), 401);
    }
    let locked = app
        .try_login("default", "lock@example.com", "the right password 1")
        .await;
    assert_eq!(
        locked.status(),
        401,
        "the right password does not open a locked account"
    );
    let body: Value = locked.json().await.expect("json");
    let unknown: Value = app
        .try_login("default", "nobody@example.com", "whatever password")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        body["code"], unknown["code"],
        "a locked account looks like any failed login"
    );
    assert_eq!(body["detail"], unknown["detail"]);

    app.fake_clock().advance(chrono::Duration::minutes(14));
    assert_eq!(
        app.try_login("default", "lock@example.com", "the right password 1")
            .await
            .status(),
        401
    );
    app.fake_clock().advance(chrono::Duration::minutes(2));
    assert_eq!(
        app.try_login("default", "lock@example.com", "the right password 1")
            .await
            .status(),
        200,
        "the lock ends"
    );

    let tenant = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("t");
    let tx = app
        .services
        .db
        .tenant_read(firelater_core::ids::TenantId(tenant.id))
        .await
        .expect("tx");
    let user = firelater_db::repo::users::find_by_email(&tx, "lock@example.com")
        .await
        .expect("q")
        .expect("u");
    let actions: Vec<String> = firelater_db::repo::audit::for_entity(&tx, "user", user.id)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    tx.commit().await.expect("commit");
    assert_eq!(actions.iter().filter(|a| *a == "auth.login_failed").count(), 5);
    assert!(actions.contains(&"auth.lockout".to_owned()));
    assert!(actions.contains(&"auth.login_locked".to_owned()));
    app.stop().await;
}

#[tokio::test]
async fn an_admin_can_lift_a_lockout() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("unlock@example.com", Some("the right password 2"), &["agent"])
        .await;
    for _ in 0..5 {
        app.try_login("default", "unlock@example.com", "a wrong password 2")
            .await;
    }
    assert_eq!(
        app.try_login("default", "unlock@example.com", "the right password 2")
            .await
            .status(),
        401
    );
    let res = app
        .admin(
            Method::POST,
            &format!("/api/v1/users/{}/unlock", u["id"].as_str().expect("id")),
        )
        .send()
        .await
        .expect("unlock");
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.try_login("default", "unlock@example.com", "the right password 2")
            .await
            .status(),
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn weak_and_common_passwords_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    for weak in ["short", "Password1234", "qwerty123456", "111111111111"] {
        let res = app
            .admin(Method::POST, "/api/v1/users")
            .json(&json!({"email": "weak@example.com", "name": "W", "password": weak}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 422, "{weak}");
        let body: Value = res.json().await.expect("json");
        assert!(body["errors"]["password"].is_array(), "{weak}: {body}");
    }
    app.stop().await;
}

#[tokio::test]
async fn changing_your_password_needs_the_current_one_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("change@example.com", Some("first password 123"), &["agent"])
        .await;
    let id = u["id"].as_str().expect("id").to_owned();
    let t1 = app.login("default", "change@example.com", "first password 123").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let t2 = app.login("default", "change@example.com", "first password 123").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let path = format!("/api/v1/users/{id}/password");
    let res = app
        .request(Method::PUT, &path)
        .bearer_auth(&t1)
        .json(&json!({"current_password": "not it at all", "new_password": "second password 456"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>().await.expect("json")["errors"]["current_password"].is_array());
    let res = app
        .request(Method::PUT, &path)
        .bearer_auth(&t1)
        .json(&json!({"new_password": "second password 456"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 422, "the current password is required");
    let res = app
        .request(Method::PUT, &path)
        .bearer_auth(&t1)
        .json(&json!({"current_password": "first password 123", "new_password": "second password 456"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 204);
    assert_eq!(
        status_of_me(&app, &t1).await,
        401,
        "the session that changed it ends too"
    );
    assert_eq!(status_of_me(&app, &t2).await, 401, "every other session ends at once");
    assert_eq!(
        app.try_login("default", "change@example.com", "first password 123")
            .await
            .status(),
        401
    );
    assert_eq!(
        app.try_login("default", "change@example.com", "second password 456")
            .await
            .status(),
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn an_agent_cannot_change_someone_elses_password() {
    let app = TestApp::spawn().await;
    app.create_user("agent1@example.com", Some("agent one password"), &["agent"])
        .await;
    let admin_id = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json::<Value>()
        .await
        .expect("json")["user"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let t = app.login("default", "agent1@example.com", "agent one password").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let res = app
        .request(Method::PUT, &format!("/api/v1/users/{admin_id}/password"))
        .bearer_auth(&t)
        .json(&json!({"new_password": "taken over password"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.try_login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200
    );
    app.stop().await;
}

fn reset_token_of(events: &[firelater_service::jobs::OutboxEvent]) -> String {
    let e = events
        .iter()
        .rev()
        .find(|e| e.event_type == "email.requested")
        .expect("an email in the outbox");
    let url = e.payload["reset_url"].as_str().expect("url");
    url.split("token=").nth(1).expect("token").to_owned()
}

#[tokio::test]
async fn a_password_reset_link_works_once_within_an_hour_and_ends_sessions() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let u = app
        .create_user("reset@example.com", Some("old password 1234"), &["agent"])
        .await;
    let user_id: uuid::Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    let session = app.login("default", "reset@example.com", "old password 1234").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let forgot = |email: &'static str| {
        app.request(Method::POST, "/api/v1/auth/forgot-password")
            .json(&json!({"tenant": "default", "email": email}))
            .send()
    };

    let unknown = forgot("nobody@example.com").await.expect("post");
    let known = forgot("reset@example.com").await.expect("post");
    assert_eq!(
        (unknown.status(), known.status()),
        (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED)
    );
    assert_eq!(
        unknown.json::<Value>().await.expect("json"),
        known.json::<Value>().await.expect("json"),
        "the same answer either way"
    );

    let events = app.services.events_of(user_id).await.expect("events");
    let email = events
        .iter()
        .find(|e| e.event_type == "email.requested")
        .expect("email");
    assert_eq!(email.payload["to"], "reset@example.com");
    let token = reset_token_of(&events);

    let reset = |token: String, pw: &'static str| {
        app.request(Method::POST, "/api/v1/auth/reset-password")
            .json(&json!({"token": token, "new_password": pw}))
            .send()
    };
    let weak = reset(token.clone(), "password1234").await.expect("post");
    assert_eq!(weak.status(), 422, "the policy applies to resets too");
    assert_eq!(
        reset(token.clone(), "new password 5678").await.expect("post").status(),
        204
    );
    assert_eq!(status_of_me(&app, &session).await, 401, "sessions end on reset");
    assert_eq!(
        app.try_login("default", "reset@example.com", "new password 5678")
            .await
            .status(),
        200
    );
    let again = reset(token, "another password 9").await.expect("post");
    assert_eq!(again.status(), 422, "the token works once");
    assert!(again.json::<Value>().await.expect("json")["errors"]["token"].is_array());

    forgot("reset@example.com").await.expect("post");
    let late = reset_token_of(&app.services.events_of(user_id).await.expect("events"));
    app.fake_clock().advance(chrono::Duration::minutes(61));
    assert_eq!(
        reset(late, "too late password 1").await.expect("post").status(),
        422,
        "tokens expire after an hour"
    );
    app.stop().await;
}

#[tokio::test]
async fn users_store_their_notification_preferences() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("prefs@example.com", Some("prefs password 12"), &["requester"])
        .await;
    let id = u["id"].as_str().expect("id");
    let t = app.login("default", "prefs@example.com", "prefs password 12").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let path = format!("/api/v1/users/{id}/notifications");
    let empty: Value = app
        .request(Method::GET, &path)
        .bearer_auth(&t)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(empty["preferences"], json!([]));
    let body = json!({"preferences": [
        {"event_category": "issues", "event_type": "assigned", "slack_enabled": true},
        {"event_category": "oncall", "event_type": "shift_starting", "email_enabled": false, "sms_enabled": true, "quiet_hours": false}
    ]});
    let res = app
        .request(Method::PUT, &path)
        .bearer_auth(&t)
        .json(&body)
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    let got: Value = app
        .request(Method::GET, &path)
        .bearer_auth(&t)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(got["preferences"][0]["event_category"], "issues");
    assert_eq!(got["preferences"][0]["slack_enabled"], true);
    assert_eq!(
        got["preferences"][0]["email_enabled"], true,
        "defaults fill what is left out"
    );
    assert_eq!(got["preferences"][1]["sms_enabled"], true);
    let bad = app
        .request(Method::PUT, &path)
        .bearer_auth(&t)
        .json(&json!({"preferences": [{"event_category": "gossip", "event_type": "x"}]}))
        .send()
        .await
        .expect("put");
    assert_eq!(bad.status(), 422);
    assert!(bad.json::<Value>().await.expect("json")["errors"]["preferences[0].event_category"].is_array());
    let admin_id = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json::<Value>()
        .await
        .expect("json")["user"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let other = app
        .request(Method::GET, &format!("/api/v1/users/{admin_id}/notifications"))
        .bearer_auth(&t)
        .send()
        .await
        .expect("get");
    assert_eq!(other.status(), 403, "a requester sees only their own");
    app.stop().await;
}
