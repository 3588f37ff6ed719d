//! The web app's refresh cookie (ADR 0003): login with `use_cookie` sets an `HttpOnly`,
//! `SameSite=Strict` cookie scoped to the refresh endpoint instead of answering the token;
//! refresh spends and rotates it only with the CSRF header; a spent cookie revokes the family;
//! logout removes it. API clients keep the JSON flow, and every answer that carries a token or
//! a secret is `Cache-Control: no-store`.

use firelater_core::Clock;
use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fake_clock};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

const CSRF: (&str, &str) = ("x-requested-with", "firelater");

/// The `firelater_refresh` Set-Cookie of a response, if any.
fn set_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("firelater_refresh="))
        .map(str::to_owned)
}

/// The value a Set-Cookie stores.
fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("name=value")
}

/// The attributes of a Set-Cookie, lower-cased, without the name=value pair.
fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

fn login_request(app: &TestApp, email: &str, password: &str, mfa_code: Option<&str>) -> RequestBuilder {
    let mut body = json!({"tenant": "default", "email": email, "password": password, "use_cookie": true});
    if let Some(c) = mfa_code {
        body["mfa_code"] = json!(c);
    }
    app.request(Method::POST, "/api/v1/auth/login").json(&body)
}

/// Signs the administrator in with the cookie option; returns the body and the cookie's value.
async fn cookie_login(app: &TestApp) -> (Value, String) {
    let res = login_request(app, ADMIN_EMAIL, ADMIN_PASSWORD, None)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    let cookie = cookie_value(&set_cookie(&res).expect("a refresh cookie"));
    (res.json().await.expect("json"), cookie)
}

/// `POST /auth/refresh` with the cookie and no token in the body.
fn cookie_refresh(app: &TestApp, cookie: &str) -> RequestBuilder {
    app.request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", format!("other=1; firelater_refresh={cookie}"))
        .json(&json!({}))
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

async fn problem_code(res: Response, status: u16) -> String {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    res.json::<Value>().await.expect("json")["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn assert_no_store(res: &Response, what: &str) {
    assert_eq!(
        res.headers().get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what} is sent with Cache-Control: no-store"
    );
}

#[tokio::test]
async fn login_with_use_cookie_sets_an_http_only_strict_cookie_and_no_refresh_token_in_the_body() {
    let app = TestApp::spawn().await;
    let res = login_request(&app, ADMIN_EMAIL, ADMIN_PASSWORD, None)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "login");
    let cookie = set_cookie(&res).expect("a refresh cookie");
    let attrs = attributes(&cookie);
    for want in [
        "httponly",
        "samesite=strict",
        "path=/api/v1/auth/refresh",
        "max-age=604800",
    ] {
        assert!(attrs.iter().any(|a| a == want), "{want} in {cookie}");
    }
    assert!(
        !attrs.iter().any(|a| a == "secure"),
        "not Secure on a plain-HTTP public URL: {cookie}"
    );
    assert!(cookie_value(&cookie).len() > 40);
    let body: Value = res.json().await.expect("json");
    assert!(
        body.get("refresh_token").is_none(),
        "no refresh token in the body: {body}"
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(
        me_status(&app, body["access_token"].as_str().expect("access")).await,
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn login_with_use_cookie_without_the_csrf_header_is_403() {
    let app = TestApp::spawn().await;
    let res = login_request(&app, ADMIN_EMAIL, ADMIN_PASSWORD, None)
        .send()
        .await
        .expect("login");
    assert!(set_cookie(&res).is_none());
    assert_eq!(problem_code(res, 403).await, "csrf_check_failed");
    app.stop().await;
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_public_url_is_https() {
    let app = TestApp::builder()
        .config(|c| c.public_url = Some("https://itsm.example.com".to_owned()))
        .spawn()
        .await;
    let res = login_request(&app, ADMIN_EMAIL, ADMIN_PASSWORD, None)
        .header(CSRF.0, CSRF.1)
        .header("origin", "https://itsm.example.com")
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    let cookie = set_cookie(&res).expect("a refresh cookie");
    assert!(attributes(&cookie).iter().any(|a| a == "secure"), "{cookie}");
    let refreshed = cookie_refresh(&app, &cookie_value(&cookie))
        .header(CSRF.0, CSRF.1)
        .header("origin", "https://itsm.example.com")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("refresh");
    assert_eq!(refreshed.status(), 200);
    let rotated = set_cookie(&refreshed).expect("rotated cookie");
    assert!(attributes(&rotated).iter().any(|a| a == "secure"), "{rotated}");
    app.stop().await;
}

#[tokio::test]
async fn refresh_with_the_cookie_and_the_csrf_header_rotates_the_cookie() {
    let app = TestApp::spawn().await;
    let (_, c1) = cookie_login(&app).await;
    let res = cookie_refresh(&app, &c1)
        .header(CSRF.0, CSRF.1)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("refresh");
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "refresh");
    let set = set_cookie(&res).expect("a rotated cookie");
    let attrs = attributes(&set);
    for want in [
        "httponly",
        "samesite=strict",
        "path=/api/v1/auth/refresh",
        "max-age=604800",
    ] {
        assert!(attrs.iter().any(|a| a == want), "{want} in {set}");
    }
    let c2 = cookie_value(&set);
    assert_ne!(c1, c2, "the cookie rotates");
    let body: Value = res.json().await.expect("json");
    assert!(
        body.get("refresh_token").is_none(),
        "no refresh token in the body: {body}"
    );
    assert_eq!(
        me_status(&app, body["access_token"].as_str().expect("access")).await,
        200
    );
    let again = cookie_refresh(&app, &c2)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("refresh");
    assert_eq!(again.status(), 200, "the rotated cookie refreshes in turn");
    app.stop().await;
}

#[tokio::test]
async fn refresh_with_the_cookie_but_without_the_csrf_header_is_403() {
    let app = TestApp::spawn().await;
    let (_, cookie) = cookie_login(&app).await;
    let bare = cookie_refresh(&app, &cookie).send().await.expect("refresh");
    assert!(set_cookie(&bare).is_none(), "a refused request leaves the cookie alone");
    assert_eq!(problem_code(bare, 403).await, "csrf_check_failed");
    let cross_site = cookie_refresh(&app, &cookie)
        .header(CSRF.0, CSRF.1)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("refresh");
    assert_eq!(problem_code(cross_site, 403).await, "csrf_check_failed");
    let foreign_origin = cookie_refresh(&app, &cookie)
        .header(CSRF.0, CSRF.1)
        .header("origin", "https://attacker.example")
        .send()
        .await
        .expect("refresh");
    assert_eq!(problem_code(foreign_origin, 403).await, "csrf_check_failed");
    // The refused attempts spent nothing: the cookie still works.
    let ok = cookie_refresh(&app, &cookie)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("refresh");
    assert_eq!(ok.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_spent_cookie_revokes_the_family_and_is_removed() {
    let app = TestApp::spawn().await;
    let (_, c1) = cookie_login(&app).await;
    let res = cookie_refresh(&app, &c1)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("refresh");
    assert_eq!(res.status(), 200);
    let c2 = cookie_value(&set_cookie(&res).expect("rotated"));
    let a2 = res.json::<Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("access")
        .to_owned();

    let reuse = cookie_refresh(&app, &c1)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("reuse");
    let cleared = set_cookie(&reuse).expect("the dead cookie is removed");
    assert!(attributes(&cleared).iter().any(|a| a == "max-age=0"), "{cleared}");
    assert!(
        attributes(&cleared).iter().any(|a| a == "path=/api/v1/auth/refresh"),
        "{cleared}"
    );
    assert_eq!(problem_code(reuse, 401).await, "refresh_token_reused");
    let newest = cookie_refresh(&app, &c2)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("newest");
    assert_eq!(newest.status(), 401, "the newest cookie of the family is revoked too");
    assert_eq!(me_status(&app, &a2).await, 401, "and so is the family's access token");
    assert_eq!(
        me_status(&app, &app.admin_token).await,
        200,
        "other sessions are untouched"
    );
    app.stop().await;
}

#[tokio::test]
async fn logout_clears_the_cookie() {
    let app = TestApp::spawn().await;
    let (body, cookie) = cookie_login(&app).await;
    let res = app
        .request(Method::POST, "/api/v1/auth/logout")
        .bearer_auth(body["access_token"].as_str().expect("access"))
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), 204);
    let cleared = set_cookie(&res).expect("logout removes the cookie");
    assert_eq!(cookie_value(&cleared), "");
    let attrs = attributes(&cleared);
    for want in ["max-age=0", "path=/api/v1/auth/refresh", "httponly", "samesite=strict"] {
        assert!(attrs.iter().any(|a| a == want), "{want} in {cleared}");
    }
    let after = cookie_refresh(&app, &cookie)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("refresh");
    assert_eq!(after.status(), 401, "the session's cookie no longer refreshes");
    app.stop().await;
}

#[tokio::test]
async fn refresh_without_a_token_or_a_cookie_is_401() {
    let app = TestApp::spawn().await;
    let res = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header(CSRF.0, CSRF.1)
        .json(&json!({}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(problem_code(res, 401).await, "invalid_token");
    app.stop().await;
}

#[tokio::test]
async fn api_clients_keep_the_json_flow_without_cookies() {
    let app = TestApp::spawn().await;
    let login = app.try_login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status(), 200);
    assert_no_store(&login, "login");
    assert!(set_cookie(&login).is_none(), "no cookie without use_cookie");
    let r1 = login.json::<Value>().await.expect("json")["refresh_token"]
        .as_str()
        .expect("refresh token in the body")
        .to_owned();
    let res = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .json(&json!({"refresh_token": r1}))
        .send()
        .await
        .expect("refresh");
    assert_eq!(res.status(), 200, "the JSON flow needs no CSRF header");
    assert_no_store(&res, "refresh");
    assert!(set_cookie(&res).is_none(), "no cookie for the JSON flow");
    let r2 = res.json::<Value>().await.expect("json")["refresh_token"]
        .as_str()
        .expect("refresh token in the body")
        .to_owned();
    assert_ne!(r1, r2);
    app.stop().await;
}

/// The code an authenticator app with `secret` shows at the fake clock's time.
fn totp(app: &TestApp, secret: &str) -> String {
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(secret).expect("base32"))
        .build()
        .expect("totp");
    let at = app.fake_clock().now().timestamp();
    totp.generate(u64::try_from(at).expect("after 1970")).to_string()
}

#[tokio::test]
async fn every_answer_carrying_a_token_or_a_secret_is_no_store_and_mfa_login_sets_the_cookie() {
    const EMAIL: &str = "cookie-mfa@example.com";
    const PASSWORD: &str = "a long enough password";
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;

    let login = login_request(&app, EMAIL, PASSWORD, None)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("login");
    assert_no_store(&login, "login");
    let token = login.json::<Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("access")
        .to_owned();

    let enroll = app
        .request(Method::POST, "/api/v1/auth/mfa/enroll")
        .bearer_auth(&token)
        .send()
        .await
        .expect("enroll");
    assert_eq!(enroll.status(), 200);
    assert_no_store(&enroll, "the MFA secret");
    let secret = enroll.json::<Value>().await.expect("json")["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let confirm = app
        .request(Method::POST, "/api/v1/auth/mfa/confirm")
        .bearer_auth(&token)
        .json(&json!({"code": totp(&app, &secret)}))
        .send()
        .await
        .expect("confirm");
    assert_eq!(confirm.status(), 200);
    assert_no_store(&confirm, "the recovery codes");

    let key = app
        .admin(Method::POST, "/api/v1/api-keys")
        .json(&json!({"name": "ci", "permissions": ["users:read"]}))
        .send()
        .await
        .expect("api key");
    assert_eq!(key.status(), 201);
    assert_no_store(&key, "a new API key");

    // The MFA step with the cookie: the first call asks for a code and sets nothing, the
    // second sets the cookie, which then refreshes.
    app.fake_clock().advance(chrono::Duration::seconds(30));
    let first = login_request(&app, EMAIL, PASSWORD, None)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("login");
    assert!(set_cookie(&first).is_none());
    assert_eq!(problem_code(first, 401).await, "mfa_required");
    let second = login_request(&app, EMAIL, PASSWORD, Some(&totp(&app, &secret)))
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("login");
    assert_eq!(second.status(), 200);
    assert_no_store(&second, "login with a code");
    let cookie = cookie_value(&set_cookie(&second).expect("a refresh cookie after the MFA step"));
    assert!(
        second
            .json::<Value>()
            .await
            .expect("json")
            .get("refresh_token")
            .is_none()
    );
    let refreshed = cookie_refresh(&app, &cookie)
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .expect("refresh");
    assert_eq!(refreshed.status(), 200);
    assert_no_store(&refreshed, "refresh with the cookie");
    app.stop().await;
}
