//! TOTP multi-factor authentication: enrol, confirm with a code computed from the secret at
//! the fake clock's time, then login asks for a code (or a single-use recovery code); the user
//! can turn it off with their password and an administrator can reset it; users, `/auth/me`
//! and sign-in say whether it is on.

use firelater_core::Clock;
use firelater_db::entities::audit_log;
use firelater_testkit::{TestApp, fake_clock};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use totp_rs::{Builder, Secret};

const EMAIL: &str = "mfa@example.com";
const PASSWORD: &str = "a long enough password";

/// The code an authenticator app with `secret` shows `offset_secs` from the app's clock.
fn code(app: &TestApp, secret: &str, offset_secs: i64) -> String {
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(secret).expect("base32"))
        .build()
        .expect("totp");
    let at = app.fake_clock().now().timestamp() + offset_secs;
    totp.generate(u64::try_from(at).expect("after 1970")).to_string()
}

async fn login(app: &TestApp, mfa_code: Option<&str>) -> reqwest::Response {
    let mut body = json!({"tenant": "default", "email": EMAIL, "password": PASSWORD});
    if let Some(c) = mfa_code {
        body["mfa_code"] = json!(c);
    }
    app.request(Method::POST, "/api/v1/auth/login")
        .json(&body)
        .send()
        .await
        .expect("login")
}

async fn code_of(res: reqwest::Response, status: u16) -> String {
    assert_eq!(res.status(), status);
    res.json::<Value>().await.expect("json")["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

struct Enrolled {
    app: TestApp,
    user_id: String,
    token: String,
    secret: String,
    recovery_codes: Vec<String>,
}

/// An app on a fake clock with a user who turned MFA on; the clock is then moved to the next
/// time step, so the confirming code is not the current one any more.
async fn enrolled() -> Enrolled {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let user = app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;
    let token = app.login("default", EMAIL, PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let res = app
        .request(Method::POST, "/api/v1/auth/mfa/enroll")
        .bearer_auth(&token)
        .send()
        .await
        .expect("enroll");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let e: Value = res.json().await.expect("json");
    let secret = e["secret"].as_str().expect("secret").to_owned();
    let uri = e["otpauth_uri"].as_str().expect("uri");
    assert!(uri.starts_with("otpauth://totp/FireLater:mfa%40example.com?"), "{uri}");
    assert!(
        uri.contains(&format!("secret={secret}")) && uri.contains("issuer=FireLater"),
        "{uri}"
    );

    let res = app
        .request(Method::POST, "/api/v1/auth/mfa/confirm")
        .bearer_auth(&token)
        .json(&json!({"code": code(&app, &secret, 0)}))
        .send()
        .await
        .expect("confirm");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    let recovery_codes: Vec<String> = body["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    assert_eq!(recovery_codes.len(), 10);
    app.fake_clock().advance(chrono::Duration::seconds(30));
    Enrolled {
        user_id: user["id"].as_str().expect("id").to_owned(),
        app,
        token,
        secret,
        recovery_codes,
    }
}

async fn session_count(app: &TestApp, token: &str) -> u64 {
    let v: Value = app
        .request(Method::GET, "/api/v1/auth/sessions")
        .bearer_auth(token)
        .send()
        .await
        .expect("sessions")
        .json()
        .await
        .expect("json");
    v["meta"]["total"].as_u64().expect("total")
}

async fn audit_actions(app: &TestApp, user_id: &str) -> Vec<String> {
    let tenant = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("query")
        .expect("tenant");
    let tx = app
        .services
        .db
        .tenant_read(firelater_core::ids::TenantId(tenant.id.into()))
        .await
        .expect("tx");
    let id = uuid::Uuid::parse_str(user_id).expect("uuid");
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(id))
        .all(tx.conn())
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
    rows.into_iter().map(|r| r.action).collect()
}

#[tokio::test]
async fn with_mfa_on_login_needs_a_current_code() {
    let Enrolled {
        app,
        token,
        secret,
        user_id,
        ..
    } = enrolled().await;
    let before = session_count(&app, &token).await;
    let res = login(&app, None).await;
    let problem_code = code_of(res, 401).await;
    assert_eq!(problem_code, "mfa_required");
    assert_eq!(session_count(&app, &token).await, before, "no session without the code");

    let wrong = if code(&app, &secret, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(code_of(login(&app, Some(wrong)).await, 401).await, "mfa_code_invalid");
    let stale = code(&app, &secret, -90);
    assert_eq!(
        code_of(login(&app, Some(&stale)).await, 401).await,
        "mfa_code_invalid",
        "a code three steps old is refused"
    );

    let res = login(&app, Some(&code(&app, &secret, 0))).await;
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.expect("json");
    assert!(t["access_token"].is_string());
    assert_eq!(session_count(&app, &token).await, before + 1);
    assert!(
        audit_actions(&app, &user_id)
            .await
            .contains(&"auth.mfa_enabled".to_owned())
    );
    app.stop().await;
}

#[tokio::test]
async fn a_totp_code_is_accepted_only_once() {
    let Enrolled { app, secret, .. } = enrolled().await;
    let now = code(&app, &secret, 0);
    assert_eq!(login(&app, Some(&now)).await.status(), 200);
    assert_eq!(
        code_of(login(&app, Some(&now)).await, 401).await,
        "mfa_code_invalid",
        "the same code in the same step is a replay"
    );
    app.fake_clock().advance(chrono::Duration::seconds(30));
    assert_eq!(login(&app, Some(&code(&app, &secret, 0))).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let Enrolled {
        app, recovery_codes, ..
    } = enrolled().await;
    let rc = &recovery_codes[3];
    assert_eq!(login(&app, Some(rc)).await.status(), 200);
    assert_eq!(
        code_of(login(&app, Some(rc)).await, 401).await,
        "mfa_code_invalid",
        "a recovery code is single use"
    );
    assert_eq!(
        login(&app, Some(&recovery_codes[4].to_uppercase())).await.status(),
        200,
        "another one still works, in any case"
    );
    app.stop().await;
}

#[tokio::test]
async fn confirming_with_a_wrong_code_is_422_and_leaves_mfa_off() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;
    let token = app.login("default", EMAIL, PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let confirm = |c: &'static str| {
        app.request(Method::POST, "/api/v1/auth/mfa/confirm")
            .bearer_auth(&token)
            .json(&json!({"code": c}))
            .send()
    };
    assert_eq!(
        code_of(confirm("123456").await.expect("send"), 409).await,
        "mfa_not_enrolled",
        "nothing to confirm before enrolling"
    );
    let res = app
        .request(Method::POST, "/api/v1/auth/mfa/enroll")
        .bearer_auth(&token)
        .send()
        .await
        .expect("enroll");
    let secret = res.json::<Value>().await.expect("json")["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let wrong = if code(&app, &secret, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = confirm(wrong).await.expect("send");
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>().await.expect("json")["errors"]["code"].is_array());
    let res = confirm("12 34").await.expect("send");
    assert_eq!(res.status(), 422);
    assert_eq!(
        login(&app, None).await.status(),
        200,
        "a pending enrolment asks for no code"
    );
    app.stop().await;
}

#[tokio::test]
async fn enrolling_again_while_mfa_is_on_is_409() {
    let Enrolled { app, token, .. } = enrolled().await;
    let res = app
        .request(Method::POST, "/api/v1/auth/mfa/enroll")
        .bearer_auth(&token)
        .send()
        .await
        .expect("enroll");
    assert_eq!(code_of(res, 409).await, "mfa_already_enabled");
    app.stop().await;
}

#[tokio::test]
async fn turning_mfa_off_needs_the_password() {
    let Enrolled {
        app, token, user_id, ..
    } = enrolled().await;
    let off = |password: &'static str| {
        app.request(Method::DELETE, "/api/v1/auth/mfa")
            .bearer_auth(&token)
            .json(&json!({"password": password}))
            .send()
    };
    let res = off("not my password at all").await.expect("send");
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>().await.expect("json")["errors"]["password"].is_array());
    assert_eq!(code_of(login(&app, None).await, 401).await, "mfa_required", "still on");

    assert_eq!(off(PASSWORD).await.expect("send").status(), 204);
    assert_eq!(login(&app, None).await.status(), 200);
    assert_eq!(
        code_of(off(PASSWORD).await.expect("send"), 409).await,
        "mfa_not_enrolled"
    );
    assert!(
        audit_actions(&app, &user_id)
            .await
            .contains(&"auth.mfa_disabled".to_owned())
    );
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_can_reset_a_users_mfa_and_an_agent_cannot() {
    let Enrolled {
        app, token, user_id, ..
    } = enrolled().await;
    let path = format!("/api/v1/users/{user_id}/mfa");
    let res = app
        .request(Method::DELETE, &path)
        .bearer_auth(&token)
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 403, "an agent lacks users:admin");
    assert_eq!(code_of(login(&app, None).await, 401).await, "mfa_required");

    let res = app.admin(Method::DELETE, &path).send().await.expect("reset");
    assert_eq!(res.status(), 204);
    assert_eq!(login(&app, None).await.status(), 200, "MFA is off after the reset");
    assert!(
        audit_actions(&app, &user_id)
            .await
            .contains(&"auth.mfa_reset".to_owned())
    );

    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{}/mfa", uuid::Uuid::now_v7()))
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_count_towards_the_lockout() {
    let Enrolled { app, secret, .. } = enrolled().await;
    let threshold = app.config.lockout_threshold;
    assert!(threshold > 0, "lockout is on by default");
    for _ in 0..threshold {
        let wrong = if code(&app, &secret, 0) == "000000" {
            "111111"
        } else {
            "000000"
        };
        assert_eq!(login(&app, Some(wrong)).await.status(), 401);
    }
    let res = login(&app, Some(&code(&app, &secret, 0))).await;
    assert_eq!(res.status(), 401, "the account is locked even for the right code");
    assert_eq!(res.json::<Value>().await.expect("json")["code"], "invalid_credentials");
    app.stop().await;
}

async fn get_json(app: &TestApp, token: Option<&str>, path: &str) -> Value {
    let req = match token {
        Some(t) => app.request(Method::GET, path).bearer_auth(t),
        None => app.admin(Method::GET, path),
    };
    let res = req.send().await.expect("get");
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.expect("json")
}

#[tokio::test]
async fn users_me_and_sign_in_say_whether_mfa_is_on() {
    let Enrolled {
        app,
        user_id,
        token,
        secret,
        ..
    } = enrolled().await;
    let me = get_json(&app, Some(&token), "/api/v1/auth/me").await;
    assert_eq!(me["user"]["mfa_enabled"], true);
    let one = get_json(&app, None, &format!("/api/v1/users/{user_id}")).await;
    assert_eq!(one["mfa_enabled"], true);
    let list = get_json(&app, None, "/api/v1/users?per_page=100").await;
    let flags: Vec<(String, bool)> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|u| {
            (
                u["email"].as_str().expect("email").to_owned(),
                u["mfa_enabled"].as_bool().expect("mfa_enabled is a boolean"),
            )
        })
        .collect();
    assert!(flags.contains(&(EMAIL.to_owned(), true)), "{flags:?}");
    assert!(flags.iter().filter(|(e, _)| e != EMAIL).all(|(_, on)| !on), "{flags:?}");
    let res = login(&app, Some(&code(&app, &secret, 0))).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["user"]["mfa_enabled"], true);

    // An administrator's reset turns it off, and the responses say so.
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{user_id}/mfa"))
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 204);
    let one = get_json(&app, None, &format!("/api/v1/users/{user_id}")).await;
    assert_eq!(one["mfa_enabled"], false);
    app.stop().await;
}

#[tokio::test]
async fn a_pending_enrolment_is_not_mfa_enabled() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;
    let token = app.login("default", EMAIL, PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let res = app
        .request(Method::POST, "/api/v1/auth/mfa/enroll")
        .bearer_auth(&token)
        .send()
        .await
        .expect("enroll");
    assert_eq!(res.status(), 200);
    let me = get_json(&app, Some(&token), "/api/v1/auth/me").await;
    assert_eq!(me["user"]["mfa_enabled"], false, "enrolled but not confirmed");
    app.stop().await;
}
