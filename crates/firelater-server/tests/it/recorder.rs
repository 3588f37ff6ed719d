//! The change recorder and the domain types behind it: one call writes the audit row, the
//! status-history row and the typed event in the change's transaction; events read back as
//! their typed form; database constraints answer with the field that is wrong.

use firelater_core::ErrorCode;
use firelater_core::events::Event;
use firelater_core::groups::MemberRole;
use firelater_core::ids::{GroupId, UserId};
use firelater_core::users::UserStatus;
use firelater_db::repo::{groups, status_history, tenants, users};
use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn a_status_move_writes_history_audit_and_a_typed_event_together() {
    let app = TestApp::spawn().await;
    // Created without a password: pending; a password makes them active; deactivation inactive.
    let created = app.create_user("moves@example.com", None, &[]).await;
    let id: uuid::Uuid = created["id"].as_str().expect("id").parse().expect("uuid");
    assert_eq!(created["status"], "pending");
    let res = app
        .admin(Method::PUT, &format!("/api/v1/users/{id}/password"))
        .json(&json!({"new_password": "a long enough passphrase 7"}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 204);
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/users/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);

    let tenant = tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id;
    let tx = app.services.db.tenant_read(tenant).await.expect("tx");
    let moves = status_history::of(&tx, status_history::USERS, id)
        .await
        .expect("history");
    tx.commit().await.expect("commit");
    let steps: Vec<(Option<&str>, &str)> = moves
        .iter()
        .map(|m| (m.from_status.as_deref(), m.to_status.as_str()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (None, "pending"),
            (Some("pending"), "active"),
            (Some("active"), "inactive")
        ]
    );
    // Moves made by the administrator are attributed to them.
    assert!(moves.iter().all(|m| m.changed_by.is_some()));

    let events = app.services.events_of(id).await.expect("events");
    let typed: Vec<Event> = events
        .iter()
        .map(|e| Event::parse(&e.event_type, &e.payload).expect("every stored event reads back typed"))
        .collect();
    assert!(matches!(&typed[0], Event::UserCreated(d) if d.status == "pending"));
    assert!(typed.iter().any(|e| matches!(e, Event::PasswordChanged(_))));
    assert!(matches!(typed.last(), Some(Event::UserDeactivated(d)) if d.status == "inactive"));
    assert!(events.iter().all(|e| e.payload["event_version"] == 1));
    app.stop().await;
}

#[tokio::test]
async fn role_changes_emit_their_events() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "triage", "display_name": "Triage", "permissions": ["users:read"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 201);
    let role: Value = res.json().await.expect("json");
    let id: uuid::Uuid = role["id"].as_str().expect("id").parse().expect("uuid");
    let res = app
        .admin(Method::PUT, &format!("/api/v1/roles/{id}"))
        .json(&json!({"version": role["version"], "permissions": ["users:read", "groups:read"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 200);
    let res = app
        .admin(Method::DELETE, &format!("/api/v1/roles/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 204);
    let names: Vec<String> = app
        .services
        .events_of(id)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(names, ["role.created", "role.updated", "role.deleted"]);
    app.stop().await;
}

#[tokio::test]
async fn a_unique_violation_is_a_409_naming_its_field() {
    let app = TestApp::spawn().await;
    let tenant = tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id;
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    let row = |email: &str| users::NewUserRow {
        id: UserId::new(),
        email: email.to_owned(),
        name: "Dup".to_owned(),
        phone: None,
        timezone: "UTC".to_owned(),
        status: UserStatus::Active,
        password_hash: None,
    };
    users::insert(&tx, row("dup@example.com"), chrono::Utc::now())
        .await
        .expect("first");
    let err = users::insert(&tx, row("dup@example.com"), chrono::Utc::now())
        .await
        .expect_err("second is refused by the unique key");
    assert_eq!(err.code, ErrorCode::AlreadyExists);
    assert!(err.fields.contains_key("email"), "{err:?}");
    drop(tx);
    app.stop().await;
}

#[tokio::test]
async fn a_foreign_key_to_nothing_is_a_422_and_not_a_500() {
    let app = TestApp::spawn().await;
    let tenant = tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id;
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    // A membership of a group that does not exist, bypassing the service's own check.
    let err = groups::add_member(
        &tx,
        GroupId::new(),
        UserId::new(),
        MemberRole::Member,
        chrono::Utc::now(),
    )
    .await
    .expect_err("refused by the foreign key");
    assert_eq!(err.code, ErrorCode::InvalidReference, "{err:?}");
    assert_eq!(err.code.kind(), firelater_core::ErrorKind::Unprocessable);
    if app.is_postgres() {
        // PostgreSQL names the constraint, and so the field; SQLite does not say which.
        assert!(err.fields.contains_key("group_id"), "{err:?}");
    }
    drop(tx);
    app.stop().await;
}
