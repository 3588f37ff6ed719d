//! The application registry over HTTP: numbering per tenant, defaults, every list filter,
//! soft delete with its history kept, optimistic locking, references and enums checked with
//! the field named, environments unique per application and reachable only through theirs,
//! and tenant isolation.

use firelater_core::ids::TenantId;
use firelater_db::repo::{status_history, tenants};
use firelater_service::tenants::NewTenant;
use firelater_testkit::TestApp;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

const PASSWORD: &str = "applications password 123";

async fn body(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.expect("body");
    assert_eq!(got, status, "unexpected status; body: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("json")
    }
}

async fn send_as(app: &TestApp, token: &str, method: Method, path: &str, b: Option<Value>, status: u16) -> Value {
    let mut req = app.request(method, path).bearer_auth(token);
    if let Some(b) = b {
        req = req.json(&b);
    }
    body(req.send().await.expect("request"), status).await
}

async fn send(app: &TestApp, method: Method, path: &str, b: Option<Value>, status: u16) -> Value {
    send_as(app, &app.admin_token, method, path, b, status).await
}

async fn create_app(app: &TestApp, b: Value) -> Value {
    send(app, Method::POST, "/api/v1/applications", Some(b), 201).await
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// The names of the applications a list query returns, in order.
async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let page = send(app, Method::GET, &format!("/api/v1/applications?{query}"), None, 200).await;
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn other_tenant(app: &TestApp) -> String {
    app.services
        .create_tenant(NewTenant {
            name: "Other".into(),
            slug: "other".into(),
            admin_email: "admin@other.example".into(),
            admin_name: "Other Admin".into(),
            admin_password: PASSWORD.into(),
        })
        .await
        .expect("tenant B");
    app.login("other", "admin@other.example", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn application_numbers_count_up_per_tenant() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "One", "tier": "P1"})).await;
    let b = create_app(&app, json!({"name": "Two", "tier": "P2"})).await;
    assert_eq!(a["app_id"], "APP-00001");
    assert_eq!(b["app_id"], "APP-00002");
    let other = other_tenant(&app).await;
    let theirs = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/applications",
        Some(json!({"name": "Theirs", "tier": "P3"})),
        201,
    )
    .await;
    assert_eq!(theirs["app_id"], "APP-00001", "the other tenant counts from one");
    let c = create_app(&app, json!({"name": "Three", "tier": "P4"})).await;
    assert_eq!(c["app_id"], "APP-00003");
    app.stop().await;
}

#[tokio::test]
async fn a_created_application_has_its_defaults_and_every_field_it_was_given() {
    let app = TestApp::spawn().await;
    let owner = app.create_user("owner@example.com", None, &["agent"]).await;
    let group = send(&app, Method::POST, "/api/v1/groups", Some(json!({"name": "Ops"})), 201).await;
    let bare = create_app(&app, json!({"name": "Bare", "tier": "P4"})).await;
    assert_eq!(bare["status"], "active");
    assert_eq!(bare["lifecycle_stage"], "production");
    assert_eq!(bare["tags"], json!([]));
    assert_eq!(bare["metadata"], json!({}));
    assert_eq!(bare["criticality"], Value::Null);
    assert_eq!(bare["health_score"], Value::Null);
    assert_eq!(bare["health_score_updated_at"], Value::Null);
    assert_eq!(bare["version"], 1);

    let full = create_app(
        &app,
        json!({"name": "  Billing  ", "description": "Invoices\nand payments", "tier": "P1",
               "status": "deprecated", "lifecycle_stage": "sunset", "owner_user_id": owner["id"],
               "owner_group_id": group["id"], "support_group_id": group["id"],
               "business_unit": "Finance", "criticality": "mission_critical",
               "tags": ["payments", "pci", "payments"], "metadata": {"cost_center": "42"}}),
    )
    .await;
    assert_eq!(full["name"], "Billing");
    assert_eq!(full["description"], "Invoices\nand payments");
    assert_eq!(full["tier"], "P1");
    assert_eq!(full["status"], "deprecated");
    assert_eq!(full["lifecycle_stage"], "sunset");
    assert_eq!(full["owner_user_id"], owner["id"]);
    assert_eq!(full["owner_group_id"], group["id"]);
    assert_eq!(full["support_group_id"], group["id"]);
    assert_eq!(full["business_unit"], "Finance");
    assert_eq!(full["criticality"], "mission_critical");
    assert_eq!(
        full["tags"],
        json!(["payments", "pci"]),
        "duplicates dropped, order kept"
    );
    assert_eq!(full["metadata"], json!({"cost_center": "42"}));
    let got = send(
        &app,
        Method::GET,
        &format!("/api/v1/applications/{}", id_of(&full)),
        None,
        200,
    )
    .await;
    assert_eq!(got, full);
    app.stop().await;
}

#[tokio::test]
async fn every_list_filter_selects_only_the_matching_applications() {
    let app = TestApp::spawn().await;
    let owner = app.create_user("owner@example.com", None, &["agent"]).await;
    let g1 = send(&app, Method::POST, "/api/v1/groups", Some(json!({"name": "Ops"})), 201).await;
    let g2 = send(&app, Method::POST, "/api/v1/groups", Some(json!({"name": "Desk"})), 201).await;
    create_app(
        &app,
        json!({"name": "Alpha", "tier": "P1", "criticality": "mission_critical",
               "owner_user_id": owner["id"], "owner_group_id": g1["id"], "tags": ["payments", "pci"],
               "description": "Takes the money"}),
    )
    .await;
    create_app(
        &app,
        json!({"name": "Bravo", "tier": "P2", "status": "inactive", "lifecycle_stage": "staging",
               "support_group_id": g2["id"], "tags": ["internal"], "criticality": "administrative"}),
    )
    .await;
    create_app(
        &app,
        json!({"name": "Charlie", "tier": "P2", "status": "deprecated", "lifecycle_stage": "sunset",
               "owner_group_id": g2["id"], "support_group_id": g1["id"], "tags": ["payments-old"]}),
    )
    .await;

    assert_eq!(names(&app, "").await, ["Alpha", "Bravo", "Charlie"]);
    assert_eq!(names(&app, "tier=P2").await, ["Bravo", "Charlie"]);
    assert_eq!(names(&app, "tier=P1,P2").await, ["Alpha", "Bravo", "Charlie"]);
    assert_eq!(names(&app, "status=active").await, ["Alpha"]);
    assert_eq!(names(&app, "status=inactive,deprecated").await, ["Bravo", "Charlie"]);
    assert_eq!(names(&app, "lifecycle_stage=staging").await, ["Bravo"]);
    assert_eq!(names(&app, "criticality=mission_critical").await, ["Alpha"]);
    assert_eq!(
        names(&app, &format!("owner_user_id={}", owner["id"].as_str().expect("id"))).await,
        ["Alpha"]
    );
    let (g1, g2) = (id_of(&g1), id_of(&g2));
    assert_eq!(names(&app, &format!("owner_group_id={g2}")).await, ["Charlie"]);
    assert_eq!(names(&app, &format!("support_group_id={g1}")).await, ["Charlie"]);
    assert_eq!(
        names(&app, "tag=payments").await,
        ["Alpha"],
        "a whole tag, not a prefix"
    );
    assert_eq!(names(&app, "tag=internal&tier=P2").await, ["Bravo"]);
    assert!(names(&app, "tag=nothing").await.is_empty());
    assert_eq!(names(&app, "q=money").await, ["Alpha"], "q searches the description");
    assert_eq!(
        names(&app, "q=CHAR").await,
        ["Charlie"],
        "q searches the name, in any case"
    );
    assert_eq!(names(&app, "q=a&tag=payments-old").await, ["Charlie"]);
    assert_eq!(
        names(&app, "sort=app_id&order=desc").await,
        ["Charlie", "Bravo", "Alpha"]
    );
    assert_eq!(names(&app, "sort=tier&order=asc&per_page=1").await, ["Alpha"]);

    for bad in [
        "tier=P9",
        "status=gone",
        "criticality=low",
        "owner_group_id=nope",
        "sort=health",
    ] {
        let problem = send(&app, Method::GET, &format!("/api/v1/applications?{bad}"), None, 400).await;
        let param = bad.split('=').next().expect("param");
        assert!(problem["errors"].get(param).is_some(), "{bad}: {problem}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_deleted_application_leaves_the_list_and_lookups_but_its_history_stays_readable() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Legacy", "tier": "P3"})).await;
    let keep = create_app(&app, json!({"name": "Keep", "tier": "P3"})).await;
    let id = id_of(&a);
    let item = format!("/api/v1/applications/{id}");
    let env = send(
        &app,
        Method::POST,
        &format!("{item}/environments"),
        Some(json!({"name": "prod", "type": "prod"})),
        201,
    )
    .await;
    send(&app, Method::DELETE, &item, None, 204).await;

    assert_eq!(names(&app, "").await, ["Keep"]);
    send(&app, Method::GET, &item, None, 404).await;
    send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 1, "name": "Back"})),
        404,
    )
    .await;
    send(&app, Method::DELETE, &item, None, 404).await;
    send(&app, Method::GET, &format!("{item}/environments"), None, 404).await;
    send(
        &app,
        Method::GET,
        &format!("{item}/environments/{}", id_of(&env)),
        None,
        404,
    )
    .await;

    let history = send(
        &app,
        Method::GET,
        &format!("/api/v1/audit-logs/application/{id}"),
        None,
        200,
    )
    .await;
    let mut actions: Vec<&str> = history["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    actions.sort_unstable();
    assert_eq!(actions, ["application.created", "application.deleted"]);
    let events = app.services.events_of(id.parse().expect("uuid")).await.expect("events");
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["application.created", "application.deleted"]);
    send(
        &app,
        Method::GET,
        &format!("/api/v1/applications/{}", id_of(&keep)),
        None,
        200,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_update_with_a_stale_version_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Locked", "tier": "P3"})).await;
    let item = format!("/api/v1/applications/{}", id_of(&a));
    let changed = send(&app, Method::PUT, &item, Some(json!({"version": 1, "tier": "P1"})), 200).await;
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["tier"], "P1");
    let problem = send(&app, Method::PUT, &item, Some(json!({"version": 1, "tier": "P4"})), 409).await;
    assert_eq!(problem["code"], "version_conflict");
    let now = send(&app, Method::GET, &item, None, 200).await;
    assert_eq!(now["tier"], "P1");
    assert_eq!(now["version"], 2);
    app.stop().await;
}

#[tokio::test]
async fn status_moves_are_kept_in_the_application_status_history() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Moving", "tier": "P3"})).await;
    let item = format!("/api/v1/applications/{}", id_of(&a));
    send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 1, "status": "deprecated"})),
        200,
    )
    .await;
    send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 2, "name": "Renamed"})),
        200,
    )
    .await;
    let t = tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("query")
        .expect("tenant");
    let tx = app.services.db.tenant_read(TenantId(t.id.into())).await.expect("tx");
    let id: Uuid = id_of(&a).parse().expect("uuid");
    let moves = status_history::of(&tx, status_history::APPLICATIONS, id)
        .await
        .expect("history");
    tx.commit().await.expect("commit");
    let moves: Vec<(Option<String>, String)> = moves.into_iter().map(|m| (m.from_status, m.to_status)).collect();
    assert_eq!(
        moves,
        [
            (None, "active".to_owned()),
            (Some("active".to_owned()), "deprecated".to_owned())
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_owner_or_support_group_or_user_is_422_naming_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let nobody = Uuid::now_v7();
    for field in ["owner_group_id", "support_group_id", "owner_user_id"] {
        let problem = send(
            &app,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Orphan", "tier": "P2", field: nobody})),
            422,
        )
        .await;
        assert_eq!(problem["code"], "invalid_reference", "{field}: {problem}");
        assert!(problem["errors"].get(field).is_some(), "{field}: {problem}");
    }
    assert!(names(&app, "").await.is_empty(), "nothing was written");
    let a = create_app(&app, json!({"name": "Real", "tier": "P2"})).await;
    let problem = send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{}", id_of(&a)),
        Some(json!({"version": 1, "owner_group_id": nobody})),
        422,
    )
    .await;
    assert!(problem["errors"].get("owner_group_id").is_some(), "{problem}");
    let second = create_app(&app, json!({"name": "Second", "tier": "P2"})).await;
    assert_eq!(second["app_id"], "APP-00002", "refused creates took no number");
    app.stop().await;
}

#[tokio::test]
async fn a_bad_tier_or_enum_or_text_is_422_naming_the_field() {
    let app = TestApp::spawn().await;
    for (b, field) in [
        (json!({"name": "X", "tier": "P5"}), "tier"),
        (json!({"name": "X", "tier": "p1"}), "tier"),
        (json!({"name": "X"}), "tier"),
        (json!({"name": "X", "tier": "P1", "status": "dead"}), "status"),
        (
            json!({"name": "X", "tier": "P1", "lifecycle_stage": "retired"}),
            "lifecycle_stage",
        ),
        (json!({"name": "X", "tier": "P1", "criticality": "meh"}), "criticality"),
        (json!({"name": "  ", "tier": "P1"}), "name"),
        (json!({"name": "X", "tier": "P1", "tags": [""]}), "tags[0]"),
        (json!({"name": "X", "tier": "P1", "tags": ["x".repeat(101)]}), "tags[0]"),
        (json!({"name": "X", "tier": "P1", "metadata": [1]}), "metadata"),
        (
            json!({"name": "X", "tier": "P1", "business_unit": "x".repeat(256)}),
            "business_unit",
        ),
    ] {
        let problem = send(&app, Method::POST, "/api/v1/applications", Some(b.clone()), 422).await;
        assert!(problem["errors"].get(field).is_some(), "{b}: {problem}");
    }
    assert!(names(&app, "").await.is_empty(), "nothing was written");
    app.stop().await;
}

#[tokio::test]
async fn environments_are_created_read_changed_and_deleted_under_their_application() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Shop", "tier": "P1"})).await;
    let base = format!("/api/v1/applications/{}/environments", id_of(&a));
    let env = send(
        &app,
        Method::POST,
        &base,
        Some(
            json!({"name": "production", "type": "prod", "url": "https://shop.example.com",
                    "cloud_provider": "on-prem", "cloud_account": "dc-1", "cloud_region": "basement",
                    "resource_ids": ["vm-1", "vm-2"], "metadata": {"k": "v"}}),
        ),
        201,
    )
    .await;
    assert_eq!(env["application_id"], a["id"]);
    assert_eq!(env["type"], "prod");
    assert_eq!(env["status"], "active");
    assert_eq!(env["cloud_provider"], "on-prem");
    assert_eq!(env["resource_ids"], json!(["vm-1", "vm-2"]));
    let item = format!("{base}/{}", id_of(&env));
    assert_eq!(send(&app, Method::GET, &item, None, 200).await, env);
    send(
        &app,
        Method::POST,
        &base,
        Some(json!({"name": "staging", "type": "staging"})),
        201,
    )
    .await;
    let page = send(&app, Method::GET, &format!("{base}?type=prod"), None, 200).await;
    assert_eq!(page["meta"]["total"], 1);
    let changed = send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 1, "url": null, "status": "inactive"})),
        200,
    )
    .await;
    assert_eq!(changed["url"], Value::Null);
    assert_eq!(changed["status"], "inactive");
    assert_eq!(changed["version"], 2);
    send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 1, "name": "late"})),
        409,
    )
    .await;
    send(&app, Method::DELETE, &item, None, 204).await;
    send(&app, Method::GET, &item, None, 404).await;
    let types: Vec<String> = app
        .services
        .events_of(id_of(&env).parse().expect("uuid"))
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        types,
        ["environment.created", "environment.updated", "environment.deleted"]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_duplicate_environment_name_in_one_application_is_409_naming_name() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Shop", "tier": "P1"})).await;
    let b = create_app(&app, json!({"name": "Blog", "tier": "P4"})).await;
    let base = format!("/api/v1/applications/{}/environments", id_of(&a));
    send(
        &app,
        Method::POST,
        &base,
        Some(json!({"name": "prod", "type": "prod"})),
        201,
    )
    .await;
    let problem = send(
        &app,
        Method::POST,
        &base,
        Some(json!({"name": "prod", "type": "test"})),
        409,
    )
    .await;
    assert_eq!(problem["code"], "already_exists");
    assert!(problem["errors"].get("name").is_some(), "{problem}");
    let other = send(
        &app,
        Method::POST,
        &base,
        Some(json!({"name": "test", "type": "test"})),
        201,
    )
    .await;
    let problem = send(
        &app,
        Method::PUT,
        &format!("{base}/{}", id_of(&other)),
        Some(json!({"version": 1, "name": "prod"})),
        409,
    )
    .await;
    assert!(
        problem["errors"].get("name").is_some(),
        "a rename onto a taken name: {problem}"
    );
    send(
        &app,
        Method::POST,
        &format!("/api/v1/applications/{}/environments", id_of(&b)),
        Some(json!({"name": "prod", "type": "prod"})),
        201,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_environment_url_must_be_http_or_https() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Shop", "tier": "P1"})).await;
    let base = format!("/api/v1/applications/{}/environments", id_of(&a));
    for url in [
        "ftp://example.com",
        "shop.example.com",
        "https://",
        "javascript:alert(1)",
    ] {
        let problem = send(
            &app,
            Method::POST,
            &base,
            Some(json!({"name": "prod", "type": "prod", "url": url})),
            422,
        )
        .await;
        assert!(problem["errors"].get("url").is_some(), "{url}: {problem}");
    }
    for (b, field) in [
        (json!({"name": "prod", "type": "production"}), "type"),
        (
            json!({"name": "prod", "type": "prod", "cloud_provider": "oracle"}),
            "cloud_provider",
        ),
        (json!({"name": "x".repeat(101), "type": "prod"}), "name"),
        (
            json!({"name": "prod", "type": "prod", "resource_ids": [" "]}),
            "resource_ids[0]",
        ),
    ] {
        let problem = send(&app, Method::POST, &base, Some(b.clone()), 422).await;
        assert!(problem["errors"].get(field).is_some(), "{b}: {problem}");
    }
    let page = send(&app, Method::GET, &base, None, 200).await;
    assert_eq!(page["meta"]["total"], 0, "nothing was written");
    app.stop().await;
}

#[tokio::test]
async fn an_environment_reached_through_another_application_is_404() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Shop", "tier": "P1"})).await;
    let b = create_app(&app, json!({"name": "Blog", "tier": "P4"})).await;
    let env = send(
        &app,
        Method::POST,
        &format!("/api/v1/applications/{}/environments", id_of(&a)),
        Some(json!({"name": "prod", "type": "prod"})),
        201,
    )
    .await;
    let wrong = format!("/api/v1/applications/{}/environments/{}", id_of(&b), id_of(&env));
    send(&app, Method::GET, &wrong, None, 404).await;
    send(
        &app,
        Method::PUT,
        &wrong,
        Some(json!({"version": 1, "name": "moved"})),
        404,
    )
    .await;
    send(&app, Method::DELETE, &wrong, None, 404).await;
    let listed = send(
        &app,
        Method::GET,
        &format!("/api/v1/applications/{}/environments", id_of(&b)),
        None,
        200,
    )
    .await;
    assert_eq!(listed["meta"]["total"], 0);
    let right = format!("/api/v1/applications/{}/environments/{}", id_of(&a), id_of(&env));
    let still = send(&app, Method::GET, &right, None, 200).await;
    assert_eq!(still["name"], "prod");
    assert_eq!(still["version"], 1);
    app.stop().await;
}

#[tokio::test]
async fn another_tenant_can_neither_see_nor_change_applications_or_their_environments() {
    let app = TestApp::spawn().await;
    let a = create_app(&app, json!({"name": "Ours", "tier": "P1"})).await;
    let item = format!("/api/v1/applications/{}", id_of(&a));
    let env = send(
        &app,
        Method::POST,
        &format!("{item}/environments"),
        Some(json!({"name": "prod", "type": "prod"})),
        201,
    )
    .await;
    let other = other_tenant(&app).await;
    let page = send_as(&app, &other, Method::GET, "/api/v1/applications", None, 200).await;
    assert_eq!(page["meta"]["total"], 0);
    send_as(&app, &other, Method::GET, &item, None, 404).await;
    send_as(
        &app,
        &other,
        Method::PUT,
        &item,
        Some(json!({"version": 1, "name": "Mine"})),
        404,
    )
    .await;
    send_as(&app, &other, Method::DELETE, &item, None, 404).await;
    send_as(&app, &other, Method::GET, &format!("{item}/environments"), None, 404).await;
    send_as(
        &app,
        &other,
        Method::POST,
        &format!("{item}/environments"),
        Some(json!({"name": "sneaky", "type": "dev"})),
        404,
    )
    .await;
    send_as(
        &app,
        &other,
        Method::GET,
        &format!("{item}/environments/{}", id_of(&env)),
        None,
        404,
    )
    .await;
    let theirs = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/applications",
        Some(json!({"name": "Theirs", "tier": "P2", "owner_group_id": null})),
        201,
    )
    .await;
    assert_eq!(names(&app, "").await, ["Ours"]);
    send(
        &app,
        Method::GET,
        &format!("/api/v1/applications/{}", id_of(&theirs)),
        None,
        404,
    )
    .await;
    let ours = send(&app, Method::GET, &item, None, 200).await;
    assert_eq!(ours["name"], "Ours");
    assert_eq!(ours["version"], 1);
    app.stop().await;
}

/// The status of `GET /api/v1/applications` for a fresh sign-in of `email`.
async fn list_status(app: &TestApp, email: &str) -> u16 {
    let token = app.login("default", email, PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    app.request(Method::GET, "/api/v1/applications")
        .bearer_auth(token)
        .send()
        .await
        .expect("list")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_tenant_from_before_the_registry_gets_the_applications_permissions_when_migrated_once() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    app.create_user("agent@example.com", Some(PASSWORD), &["agent"]).await;
    app.create_user("requester@example.com", Some(PASSWORD), &["requester"])
        .await;
    assert_eq!(list_status(&app, "agent@example.com").await, 200);

    // The tenant as it was before the registry: its roles without the permissions, the
    // migration not yet applied.
    let owner = sea_orm::Database::connect(app.config.database_url.as_str())
        .await
        .expect("owner connection");
    let forget = "DELETE FROM seaql_migrations WHERE version = 'm20261130_200000_create_applications'";
    owner
        .execute_unprepared("DELETE FROM role_permissions WHERE permission LIKE 'applications:%'")
        .await
        .expect("old roles");
    owner.execute_unprepared(forget).await.expect("forget the migration");
    assert_eq!(list_status(&app, "agent@example.com").await, 403);

    let count = || async {
        owner
            .query_one_raw(sea_orm::Statement::from_string(
                owner.get_database_backend(),
                "SELECT COUNT(*) AS n FROM role_permissions WHERE permission LIKE 'applications:%'",
            ))
            .await
            .expect("count")
            .expect("row")
            .try_get::<i64>("", "n")
            .expect("n")
    };
    // Migrating (a second instance starting on the same database) grants them; migrating
    // again grants nothing twice.
    for _ in 0..2 {
        let again = firelater_server::start(app.config.clone(), std::sync::Arc::new(firelater_core::SystemClock))
            .await
            .expect("migrates and starts");
        again.stop().await.expect("stops");
        assert_eq!(count().await, 8, "admin 4, manager 3, agent 1");
        owner.execute_unprepared(forget).await.expect("forget the migration");
    }
    assert_eq!(list_status(&app, "agent@example.com").await, 200);
    assert_eq!(list_status(&app, "requester@example.com").await, 403);
    let a = create_app(&app, json!({"name": "After", "tier": "P2"})).await;
    send(
        &app,
        Method::DELETE,
        &format!("/api/v1/applications/{}", id_of(&a)),
        None,
        204,
    )
    .await;
    app.stop().await;
}
