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
        .tenant_read(firelater_core::ids::TenantId(tenant.id.into()))
        .await
        .expect("tx");
    let user = firelater_db::repo::users::find_by_email(&tx, "lock@example.com")
        .await
        .expect("q")
        .expect("u");
    let actions: Vec<String> = firelater_db::repo::audit::for_entity(&tx, "user", user.id.into())
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

/// Runs the queued jobs (reset requests among them) until none is due.
async fn run_jobs(app: &TestApp) {
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let registry = firelater_jobs::builtin_registry();
    let cfg = firelater_jobs::WorkerConfig::new("default");
    loop {
        let pass = firelater_jobs::run_once(&app.services, &registry, &cfg, &rx)
            .await
            .expect("pass");
        assert_eq!(pass.failed, 0, "a job failed");
        if pass.done == 0 {
            break;
        }
    }
}

/// The reset emails of `user_id` in the outbox, oldest first.
async fn reset_emails(app: &TestApp, user_id: uuid::Uuid) -> Vec<firelater_service::jobs::OutboxEvent> {
    app.services
        .events_of(user_id)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type == "email.requested" && e.payload["template"] == "password_reset")
        .collect()
}

/// The link the mailer would send for a reset email, derived at send time; `None` once the
/// reset is dead.
async fn link_of(app: &TestApp, email: &firelater_service::jobs::OutboxEvent) -> Option<String> {
    let tenant = firelater_core::ids::TenantId(email.tenant_id.expect("tenant"));
    let reset_id: uuid::Uuid = email.payload["data"]["reset_id"]
        .as_str()
        .expect("reset id")
        .parse()
        .expect("uuid");
    app.services.password_reset_link(tenant, reset_id).await.expect("link")
}

async fn reset_token_of(app: &TestApp, user_id: uuid::Uuid) -> String {
    run_jobs(app).await;
    let emails = reset_emails(app, user_id).await;
    let url = link_of(app, emails.last().expect("an email in the outbox"))
        .await
        .expect("a live link");
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

    let token = reset_token_of(&app, user_id).await;
    let emails = reset_emails(&app, user_id).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].payload["to"], "reset@example.com");

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
    let late = reset_token_of(&app, user_id).await;
    app.fake_clock().advance(chrono::Duration::minutes(61));
    assert_eq!(
        reset(late, "too late password 1").await.expect("post").status(),
        422,
        "tokens expire after an hour"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_reset_request_answers_before_any_lookup_so_both_answers_cost_the_same() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("quiet@example.com", Some("old password 1234"), &["agent"])
        .await;
    let user_id: uuid::Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    for email in ["nobody@example.com", "quiet@example.com"] {
        let res = app
            .request(Method::POST, "/api/v1/auth/forgot-password")
            .json(&json!({"tenant": "default", "email": email}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 202);
    }
    // Each answer wrote exactly one queued job and nothing else: the account's existence is
    // only looked at by the job, after both answers have gone.
    let queued: i64 = app
        .services
        .job_counts()
        .await
        .expect("counts")
        .into_iter()
        .filter(|(_, status, _)| status == "queued")
        .map(|(_, _, n)| n)
        .sum();
    assert_eq!(queued, 2);
    assert!(
        reset_emails(&app, user_id).await.is_empty(),
        "nothing was looked up yet"
    );
    run_jobs(&app).await;
    assert_eq!(
        reset_emails(&app, user_id).await.len(),
        1,
        "the known account gets its email"
    );
    app.stop().await;
}

#[tokio::test]
async fn no_usable_reset_secret_is_stored_in_the_outbox() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("secret@example.com", Some("old password 1234"), &["agent"])
        .await;
    let user_id: uuid::Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    app.request(Method::POST, "/api/v1/auth/forgot-password")
        .json(&json!({"tenant": "default", "email": "secret@example.com"}))
        .send()
        .await
        .expect("post");
    let token = reset_token_of(&app, user_id).await;
    let secret = token.split_once('.').expect("tenant.secret").1.to_owned();
    for e in app.services.events_of(user_id).await.expect("events") {
        let text = e.payload.to_string();
        assert!(
            !text.contains(&secret),
            "event {} carries the secret: {text}",
            e.event_type
        );
        assert!(
            !text.contains("token="),
            "event {} carries a link: {text}",
            e.event_type
        );
    }
    let all_events = app.services.unpublished_events(1000).await.expect("events");
    assert!(all_events.iter().all(|e| !e.payload.to_string().contains(&secret)));
    app.stop().await;
}

#[tokio::test]
async fn repeated_reset_requests_keep_one_live_token() {
    let app = TestApp::spawn().await;
    let u = app
        .create_user("again@example.com", Some("old password 1234"), &["agent"])
        .await;
    let user_id: uuid::Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    let mut tokens = Vec::new();
    for _ in 0..3 {
        app.request(Method::POST, "/api/v1/auth/forgot-password")
            .json(&json!({"tenant": "default", "email": "again@example.com"}))
            .send()
            .await
            .expect("post");
        tokens.push(reset_token_of(&app, user_id).await);
    }
    let emails = reset_emails(&app, user_id).await;
    assert_eq!(emails.len(), 3);
    assert!(link_of(&app, &emails[0]).await.is_none(), "superseded");
    assert!(link_of(&app, &emails[1]).await.is_none(), "superseded");
    let reset = |token: String| {
        app.request(Method::POST, "/api/v1/auth/reset-password")
            .json(&json!({"token": token, "new_password": "brand new password 9"}))
            .send()
    };
    assert_eq!(
        reset(tokens[0].clone()).await.expect("post").status(),
        422,
        "an older token is dead"
    );
    assert_eq!(
        reset(tokens[1].clone()).await.expect("post").status(),
        422,
        "an older token is dead"
    );
    assert_eq!(
        reset(tokens[2].clone()).await.expect("post").status(),
        204,
        "the newest works"
    );
    app.stop().await;
}

#[tokio::test]
async fn wrong_current_passwords_behind_a_session_count_toward_lockout_and_are_audited() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let u = app
        .create_user("guess@example.com", Some("right password 123"), &["agent"])
        .await;
    let id = u["id"].as_str().expect("id").to_owned();
    let token = app.login("default", "guess@example.com", "right password 123").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    // Three wrong guesses through the password change, two through turning MFA off: five in
    // all, the lockout threshold, like five failed logins.
    for i in 0..3 {
        let res = app
            .request(Method::PUT, &format!("/api/v1/users/{id}/password"))
            .bearer_auth(&token)
            .json(&json!({"current_password": format!("wrong guess {i} 1234"), "new_password": "next password 456"}))
            .send()
            .await
            .expect("put");
        assert_eq!(res.status(), 422);
    }
    for i in 0..2 {
        let res = app
            .request(Method::DELETE, "/api/v1/auth/mfa")
            .bearer_auth(&token)
            .json(&json!({"password": format!("another guess {i} 99")}))
            .send()
            .await
            .expect("delete");
        assert_eq!(res.status(), 422);
    }
    assert_eq!(
        app.try_login("default", "guess@example.com", "right password 123")
            .await
            .status(),
        401,
        "the account is locked"
    );
    let locked = app
        .request(Method::PUT, &format!("/api/v1/users/{id}/password"))
        .bearer_auth(&token)
        .json(&json!({"current_password": "right password 123", "new_password": "next password 456"}))
        .send()
        .await
        .expect("put");
    assert_eq!(locked.status(), 422, "while locked even the right password is refused");
    let audit: Value = app
        .admin(Method::GET, &format!("/api/v1/audit-logs/user/{id}?per_page=100"))
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = audit["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "auth.password_check_failed").count(),
        5,
        "{actions:?}"
    );
    assert!(actions.contains(&"auth.lockout"), "{actions:?}");
    assert!(actions.contains(&"auth.password_check_locked"), "{actions:?}");
    app.fake_clock().advance(chrono::Duration::minutes(16));
    assert_eq!(
        app.try_login("default", "guess@example.com", "right password 123")
            .await
            .status(),
        200,
        "the lock ends"
    );
    app.stop().await;
}

#[tokio::test]
async fn password_checks_behind_a_session_share_the_login_rate_limit() {
    let app = TestApp::builder()
        .config(|c| {
            c.login_rate_per_minute = 1;
            c.login_burst = 2;
        })
        .spawn()
        .await;
    let me: Value = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let id = me["user"]["id"].as_str().expect("id").to_owned();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let res = app
            .admin(Method::PUT, &format!("/api/v1/users/{id}/password"))
            .json(&json!({"current_password": "not the password 1", "new_password": "next password 456"}))
            .send()
            .await
            .expect("put");
        statuses.push(res.status().as_u16());
    }
    // The administrator's own sign-in spent one of the burst of two.
    assert!(statuses.contains(&429), "{statuses:?}");
    let mfa = app
        .admin(Method::DELETE, "/api/v1/auth/mfa")
        .json(&json!({"password": "not the password 1"}))
        .send()
        .await
        .expect("delete");
    assert_eq!(mfa.status(), 429);
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
