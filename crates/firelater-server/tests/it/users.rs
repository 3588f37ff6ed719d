//! Users' lifecycle beyond the resource contract: reactivating a deactivated user, with its
//! audit row, status history and typed event.

use firelater_core::events::Event;
use firelater_db::repo::{status_history, tenants};
use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::Value;

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
