//! Login, refresh rotation with family revocation, logout, expiry and rate limiting.

use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fake_clock};
use reqwest::Method;
use serde_json::{Value, json};

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .expect("refresh")
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
async fn login_returns_bearer_tokens_and_the_user() {
    let app = TestApp::spawn().await;
    let t = app.login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 900, "access tokens live 15 minutes");
    assert_eq!(t["user"]["email"], ADMIN_EMAIL);
    assert!(t["refresh_token"].as_str().is_some_and(|s| s.len() > 40));
    let me: Value = app
        .request(Method::GET, "/api/v1/auth/me")
        .bearer_auth(t["access_token"].as_str().expect("t"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["roles"], json!(["admin"]));
    assert!(
        me["permissions"]
            .as_array()
            .expect("array")
            .contains(&json!("users:create"))
    );
    app.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = app.try_login("default", ADMIN_EMAIL, "not the password at all").await;
    let unknown = app
        .try_login("default", "nobody@example.com", "not the password at all")
        .await;
    let no_tenant = app.try_login("nowhere", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for res in [wrong, unknown, no_tenant] {
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "invalid_credentials");
        assert_eq!(body["detail"], "the tenant, email or password is wrong");
    }
    app.stop().await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let first = app.login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().expect("r1").to_owned();
    let res = refresh(&app, &r1).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.expect("json");
    let r2 = second["refresh_token"].as_str().expect("r2").to_owned();
    let a2 = second["access_token"].as_str().expect("a2").to_owned();
    assert_ne!(r1, r2, "the refresh token rotates");
    assert_eq!(me_status(&app, &a2).await, 200);

    let reuse = refresh(&app, &r1).await;
    assert_eq!(reuse.status(), 401);
    assert_eq!(
        reuse.json::<Value>().await.expect("json")["code"],
        "refresh_token_reused"
    );
    assert_eq!(
        refresh(&app, &r2).await.status(),
        401,
        "the newest token of the family is revoked too"
    );
    assert_eq!(
        me_status(&app, &a2).await,
        401,
        "and so is the family's access token, at once"
    );
    assert_eq!(
        me_status(&app, &app.admin_token).await,
        200,
        "other sessions are untouched"
    );
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = TestApp::spawn().await;
    let t = app.login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let access = t["access_token"].as_str().expect("a");
    let res = app
        .request(Method::POST, "/api/v1/auth/logout")
        .bearer_auth(access)
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), 204);
    assert_eq!(me_status(&app, access).await, 401);
    assert_eq!(
        refresh(&app, t["refresh_token"].as_str().expect("r")).await.status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn access_tokens_expire_after_15_minutes() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    assert_eq!(me_status(&app, &app.admin_token).await, 200);
    app.fake_clock().advance(chrono::Duration::minutes(14));
    assert_eq!(me_status(&app, &app.admin_token).await, 200);
    app.fake_clock().advance(chrono::Duration::minutes(2));
    assert_eq!(me_status(&app, &app.admin_token).await, 401);
    app.stop().await;
}

#[tokio::test]
async fn a_tampered_or_missing_token_is_401() {
    let app = TestApp::spawn().await;
    let mut tampered = app.admin_token.clone();
    tampered.pop();
    tampered.push('x');
    assert_eq!(me_status(&app, &tampered).await, 401);
    let res = app.request(Method::GET, "/api/v1/auth/me").send().await.expect("me");
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "unauthenticated");
    app.stop().await;
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_at_once() {
    let app = TestApp::spawn().await;
    let user = app
        .create_user("agent@example.com", Some("agent password 1"), &["agent"])
        .await;
    let token = app.login("default", "agent@example.com", "agent password 1").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    assert_eq!(me_status(&app, &token).await, 200);
    let res = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/users/{}", user["id"].as_str().expect("id")),
        )
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["status"], "inactive");
    assert_eq!(me_status(&app, &token).await, 401);
    assert_eq!(
        app.try_login("default", "agent@example.com", "agent password 1")
            .await
            .status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = TestApp::spawn().await;
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
    let admin = firelater_db::repo::users::find_by_email(&tx, ADMIN_EMAIL)
        .await
        .expect("q")
        .expect("admin");
    let hash = admin.password_hash.expect("hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(ADMIN_PASSWORD));
    tx.commit().await.expect("commit");
    app.stop().await;
}

#[tokio::test]
async fn login_is_rate_limited_per_ip() {
    let app = TestApp::builder()
        .config(|c| {
            c.login_rate_per_minute = 1;
            c.login_burst = 3;
        })
        .spawn()
        .await;
    // The harness's own admin login used one of the three.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            app.try_login("default", ADMIN_EMAIL, "wrong password here")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, vec![401, 401, 429, 429]);
    let res = app.try_login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429, "even the right password waits");
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "rate_limited");
    app.stop().await;
}
