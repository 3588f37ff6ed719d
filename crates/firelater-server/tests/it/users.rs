//! Users' lifecycle beyond the resource contract: reactivating a deactivated user, inviting a
//! pending one and an administrator setting a pending user's password, each with its audit
//! row, status history and typed event.

use firelater_core::events::Event;
use firelater_db::repo::{status_history, tenants};
use firelater_testkit::{TestApp, fake_clock};
use reqwest::Method;
use serde_json::{Value, json};

const EMAIL: &str = "comeback@example.com";
const PASSWORD: &str = "a password to come back with";

/// A user who was active and then deactivated; their id.
async fn deactivated(app: &TestApp) -> String {
    let user = app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{id}"))
        .send()
        .await
        .expect("deactivate");
    assert_eq!(res.status(), 200);
    id
}

async fn reactivate(app: &TestApp, token: Option<&str>, id: &str) -> reqwest::Response {
    let path = format!("/api/v1/users/{id}/reactivate");
    match token {
        Some(t) => app.request(Method::POST, &path).bearer_auth(t),
        None => app.admin(Method::POST, &path),
    }
    .send()
    .await
    .expect("reactivate")
}

#[tokio::test]
async fn reactivating_a_deactivated_user_lets_them_sign_in_again() {
    let app = TestApp::spawn().await;
    let id = deactivated(&app).await;
    assert_eq!(app.try_login("default", EMAIL, PASSWORD).await.status(), 401);

    let res = reactivate(&app, None, &id).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["status"], "active");
    assert_eq!(body["mfa_enabled"], false);

    let t = app.login("default", EMAIL, PASSWORD).await;
    assert_eq!(t["user"]["id"], id.as_str());
    assert_eq!(t["user"]["status"], "active");
    app.stop().await;
}

#[tokio::test]
async fn reactivation_records_history_audit_and_the_user_reactivated_event() {
    let app = TestApp::spawn().await;
    let id = deactivated(&app).await;
    assert_eq!(reactivate(&app, None, &id).await.status(), 200);
    let uuid: uuid::Uuid = id.parse().expect("uuid");

    let tenant = tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id;
    let tx = app.services.db.tenant_read(tenant).await.expect("tx");
    let moves = status_history::of(&tx, status_history::USERS, uuid)
        .await
        .expect("history");
    tx.commit().await.expect("commit");
    let last = moves.last().expect("a move");
    assert_eq!(
        (last.from_status.as_deref(), last.to_status.as_str()),
        (Some("inactive"), "active")
    );
    assert!(last.changed_by.is_some(), "attributed to the administrator");

    let events = app.services.events_of(uuid).await.expect("events");
    let last = events.last().expect("an event");
    assert_eq!(last.event_type, "user.reactivated");
    assert!(matches!(
        Event::parse(&last.event_type, &last.payload),
        Ok(Event::UserReactivated(d)) if d.status == "active" && d.id == uuid
    ));

    let audit: Value = app
        .admin(Method::GET, &format!("/api/v1/audit-logs/user/{id}"))
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    let entry = audit["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|e| e["action"] == "user.reactivated")
        .unwrap_or_else(|| panic!("no user.reactivated audit row in {audit}"));
    assert_eq!(entry["changes"]["status"]["old"], "inactive", "{entry}");
    assert_eq!(entry["changes"]["status"]["new"], "active", "{entry}");
    app.stop().await;
}

#[tokio::test]
async fn reactivating_a_user_who_is_not_inactive_is_409() {
    let app = TestApp::spawn().await;
    let active = app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;
    let pending = app.create_user("pending@example.com", None, &["agent"]).await;
    for user in [active, pending] {
        let res = reactivate(&app, None, user["id"].as_str().expect("id")).await;
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "user_not_inactive", "{body}");
    }
    app.stop().await;
}

#[tokio::test]
async fn reactivate_user_without_permission_is_403() {
    let app = TestApp::spawn().await;
    let id = deactivated(&app).await;
    app.create_user("manager@example.com", Some(PASSWORD), &["manager"])
        .await;
    let token = app.login("default", "manager@example.com", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(reactivate(&app, Some(&token), &id).await.status(), 403);
    // Still inactive: the refusal changed nothing.
    assert_eq!(app.try_login("default", EMAIL, PASSWORD).await.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn a_user_who_never_had_a_password_is_reactivated_as_pending() {
    let app = TestApp::spawn().await;
    let user = app.create_user("invited@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{id}"))
        .send()
        .await
        .expect("deactivate");
    assert_eq!(res.status(), 200);
    let res = reactivate(&app, None, &id).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["status"], "pending", "no password: back to pending, not active");
    app.stop().await;
}

/// The user status moves of `id`, oldest first, as `(from, to, attributed)`.
async fn status_moves(app: &TestApp, id: &str) -> Vec<(Option<String>, String, bool)> {
    let uuid: uuid::Uuid = id.parse().expect("uuid");
    let tenant = tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id;
    let tx = app.services.db.tenant_read(tenant).await.expect("tx");
    let moves = status_history::of(&tx, status_history::USERS, uuid)
        .await
        .expect("history");
    tx.commit().await.expect("commit");
    moves
        .into_iter()
        .map(|m| (m.from_status, m.to_status, m.changed_by.is_some()))
        .collect()
}

async fn invite(app: &TestApp, token: Option<&str>, id: &str) -> reqwest::Response {
    let path = format!("/api/v1/users/{id}/invite");
    match token {
        Some(t) => app.request(Method::POST, &path).bearer_auth(t),
        None => app.admin(Method::POST, &path),
    }
    .send()
    .await
    .expect("invite")
}

/// The invitation emails of `id` in the outbox, oldest first.
async fn invitations(app: &TestApp, id: &str) -> Vec<firelater_service::jobs::OutboxEvent> {
    app.services
        .events_of(id.parse().expect("uuid"))
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type == "email.requested" && e.payload["template"] == "user_invited")
        .collect()
}

/// The set-password token the mailer would put in an invitation's link; `None` once the link
/// is dead.
async fn invite_token(app: &TestApp, email: &firelater_service::jobs::OutboxEvent) -> Option<String> {
    let tenant = firelater_core::ids::TenantId(email.tenant_id.expect("tenant"));
    let reset_id: uuid::Uuid = email.payload["data"]["reset_id"]
        .as_str()
        .expect("reset id")
        .parse()
        .expect("uuid");
    let link = app
        .services
        .password_reset_link(tenant, reset_id)
        .await
        .expect("link")?;
    Some(link.split("token=").nth(1).expect("token").to_owned())
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/auth/reset-password")
        .json(&json!({"token": token, "new_password": password}))
        .send()
        .await
        .expect("reset")
}

#[tokio::test]
async fn an_invited_user_sets_a_password_with_the_emailed_link_within_seven_days_and_becomes_active() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let user = app.create_user("newcomer@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();

    let res = invite(&app, None, &id).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["status"], "pending", "still pending until they set a password");

    let emails = invitations(&app, &id).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].payload["to"], "newcomer@example.com");
    assert_eq!(emails[0].payload["data"]["expires_in_days"], 7);
    assert!(
        !emails[0].payload.to_string().contains("token"),
        "the outbox holds no secret: {}",
        emails[0].payload
    );
    let token = invite_token(&app, &emails[0]).await.expect("a live link");

    app.fake_clock().advance(chrono::Duration::days(6));
    assert_eq!(set_password(&app, &token, "my very first password").await.status(), 204);
    let t = app
        .login("default", "newcomer@example.com", "my very first password")
        .await;
    assert_eq!(t["user"]["status"], "active");
    assert_eq!(
        status_moves(&app, &id)
            .await
            .last()
            .map(|(f, t, _)| (f.clone(), t.clone())),
        Some((Some("pending".to_owned()), "active".to_owned()))
    );
    app.stop().await;
}

#[tokio::test]
async fn an_invitation_link_is_dead_after_seven_days_and_a_new_invitation_voids_the_old_link() {
    let app = TestApp::builder().fake_clock(fake_clock()).spawn().await;
    let user = app.create_user("late@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();

    assert_eq!(invite(&app, None, &id).await.status(), 200);
    assert_eq!(invite(&app, None, &id).await.status(), 200);
    let emails = invitations(&app, &id).await;
    assert_eq!(emails.len(), 2, "each invitation sends an email");
    assert_eq!(invite_token(&app, &emails[0]).await, None, "the first link died");
    let token = invite_token(&app, &emails[1]).await.expect("the second link lives");

    app.fake_clock()
        .advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
    let res = set_password(&app, &token, "too late a password").await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("json");
    assert!(body["errors"]["token"].is_array(), "{body}");
    assert_eq!(
        app.try_login("default", "late@example.com", "too late a password")
            .await
            .status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn inviting_a_user_who_is_not_pending_is_409_user_not_pending() {
    let app = TestApp::spawn().await;
    let active = app.create_user(EMAIL, Some(PASSWORD), &["agent"]).await;
    let inactive = deactivated_pending(&app).await;
    for id in [active["id"].as_str().expect("id").to_owned(), inactive] {
        let res = invite(&app, None, &id).await;
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "user_not_pending", "{body}");
        assert!(
            invitations(&app, &id).await.is_empty(),
            "no email for a refused invitation"
        );
    }
    app.stop().await;
}

/// A user who never had a password and was then deactivated; their id.
async fn deactivated_pending(app: &TestApp) -> String {
    let user = app.create_user("gone@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{id}"))
        .send()
        .await
        .expect("deactivate");
    assert_eq!(res.status(), 200);
    id
}

#[tokio::test]
async fn inviting_records_an_audit_row_and_the_user_invited_event() {
    let app = TestApp::spawn().await;
    let user = app.create_user("audited@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    let uuid: uuid::Uuid = id.parse().expect("uuid");
    assert_eq!(invite(&app, None, &id).await.status(), 200);

    let events = app.services.events_of(uuid).await.expect("events");
    let invited = events
        .iter()
        .find(|e| e.event_type == "user.invited")
        .expect("a user.invited event");
    assert!(matches!(
        Event::parse(&invited.event_type, &invited.payload),
        Ok(Event::UserInvited(d)) if d.status == "pending" && d.id == uuid
    ));

    let audit: Value = app
        .admin(Method::GET, &format!("/api/v1/audit-logs/user/{id}"))
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    let entry = audit["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|e| e["action"] == "user.invited")
        .unwrap_or_else(|| panic!("no user.invited audit row in {audit}"));
    assert_eq!(entry["actor_type"], "user", "{entry}");
    assert!(entry["changes"]["expires_at"].is_string(), "{entry}");
    app.stop().await;
}

#[tokio::test]
async fn invite_user_without_permission_is_403() {
    let app = TestApp::spawn().await;
    let user = app.create_user("not-yet@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    app.create_user("manager@example.com", Some(PASSWORD), &["manager"])
        .await;
    let token = app.login("default", "manager@example.com", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(invite(&app, Some(&token), &id).await.status(), 403);
    assert!(invitations(&app, &id).await.is_empty(), "the refusal sent nothing");
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_setting_a_pending_users_password_makes_them_active_with_history() {
    let app = TestApp::spawn().await;
    let user = app.create_user("given@example.com", None, &["agent"]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{id}/password"))
        .json(&json!({"new_password": "a password from the admin"}))
        .send()
        .await
        .expect("set password");
    assert_eq!(res.status(), 204);

    let t = app
        .login("default", "given@example.com", "a password from the admin")
        .await;
    assert_eq!(t["user"]["status"], "active");
    assert_eq!(
        status_moves(&app, &id).await,
        vec![
            (None, "pending".to_owned(), true),
            (Some("pending".to_owned()), "active".to_owned(), true)
        ],
        "created pending, then made active by the administrator"
    );
    let res = invite(&app, None, &id).await;
    assert_eq!(res.status(), 409, "an active user is not invited");
    app.stop().await;
}
