//! Business services over HTTP: numbering per tenant, defaults, every list filter and the
//! cost sort, costs as exact cents, cycles refused, delete refused while children live, the
//! roll-up over a three-level tree, relationships (both directions, no self-links, no
//! duplicates, no other tenant's target), stakeholders, applications attached idempotently,
//! and tenant isolation. (The resource contract of services is in `contract.rs`, their rows
//! of the authorization matrix in `matrix/services.rs`.)

use firelater_service::tenants::NewTenant;
use firelater_testkit::TestApp;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

const PASSWORD: &str = "services password 123";

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

async fn create(app: &TestApp, b: Value) -> Value {
    send(app, Method::POST, "/api/v1/services", Some(b), 201).await
}

async fn service(app: &TestApp, name: &str, parent: Option<&str>) -> String {
    id_of(
        &create(
            app,
            json!({"name": name, "type": "business", "parent_service_id": parent}),
        )
        .await,
    )
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// The names of the services a list query returns, in order.
async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let page = send(app, Method::GET, &format!("/api/v1/services?{query}"), None, 200).await;
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|a| a["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn me(app: &TestApp) -> String {
    id_of(&send(app, Method::GET, "/api/v1/auth/me", None, 200).await["user"])
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

async fn event_types(app: &TestApp, id: &str) -> Vec<String> {
    app.services
        .events_of(id.parse().expect("uuid"))
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

#[tokio::test]
async fn service_numbers_count_up_per_tenant_and_a_new_service_has_its_defaults() {
    let app = TestApp::spawn().await;
    let a = create(&app, json!({"name": "One", "type": "business"})).await;
    let b = create(&app, json!({"name": "Two", "type": "technical"})).await;
    assert_eq!(a["number"], "SRV-00001");
    assert_eq!(b["number"], "SRV-00002");
    let owner = me(&app).await;
    assert_eq!(a["owner_id"], json!(owner), "the owner defaults to the caller");
    assert_eq!(a["created_by"], json!(owner));
    assert_eq!(a["updated_by"], json!(owner));
    assert_eq!(a["status"], "design");
    assert_eq!(a["type"], "business");
    assert_eq!(a["metadata"], json!({}));
    for field in ["cost_people", "cost_process", "cost_technology", "total_cost"] {
        assert_eq!(a[field], json!(0.0), "{field}");
    }
    assert_eq!(a["sla_target"], Value::Null);
    assert_eq!(a["manager_id"], Value::Null);
    assert_eq!(a["version"], 1);

    let other = other_tenant(&app).await;
    let theirs = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/services",
        Some(json!({"name": "Theirs", "type": "business"})),
        201,
    )
    .await;
    assert_eq!(theirs["number"], "SRV-00001", "numbers are per tenant");
    app.stop().await;
}

#[tokio::test]
async fn costs_are_exact_cents_and_the_total_is_derived() {
    let app = TestApp::spawn().await;
    let s = create(
        &app,
        json!({"name": "Costly", "type": "business", "cost_people": 0.1, "cost_process": 0.2,
               "cost_technology": 1000000.29, "sla_target": 99.9, "domain": "health"}),
    )
    .await;
    assert_eq!(s["cost_people"], json!(0.1));
    assert_eq!(s["cost_process"], json!(0.2));
    assert_eq!(s["cost_technology"], json!(1_000_000.29));
    assert_eq!(s["total_cost"], json!(1_000_000.59), "0.1 + 0.2 is exact in cents");
    assert_eq!(s["sla_target"], json!(99.9));
    let item = format!("/api/v1/services/{}", id_of(&s));
    let changed = send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 1, "cost_people": 5, "sla_target": null})),
        200,
    )
    .await;
    assert_eq!(changed["total_cost"], json!(1_000_005.49));
    assert_eq!(changed["sla_target"], Value::Null);
    assert_eq!(changed["version"], 2);
    app.stop().await;
}

#[tokio::test]
async fn bad_numbers_names_and_enums_are_422_naming_the_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    for (b, field) in [
        (
            json!({"name": "X", "type": "business", "cost_people": -1}),
            "cost_people",
        ),
        (
            json!({"name": "X", "type": "business", "cost_process": 1.234}),
            "cost_process",
        ),
        (
            json!({"name": "X", "type": "business", "cost_technology": "12"}),
            "cost_technology",
        ),
        (
            json!({"name": "X", "type": "business", "sla_target": 100.5}),
            "sla_target",
        ),
        (
            json!({"name": "X", "type": "business", "sla_target": 99.999}),
            "sla_target",
        ),
        (json!({"name": "X", "type": "platform"}), "type"),
        (json!({"name": "X", "type": "business", "status": "live"}), "status"),
        (json!({"name": "x".repeat(201), "type": "business"}), "name"),
        (
            json!({"name": "X", "type": "business", "domain": "d".repeat(101)}),
            "domain",
        ),
        (json!({"name": "X", "type": "business", "metadata": [1]}), "metadata"),
        (json!({"name": "X", "type": "business", "total_cost": 5}), "total_cost"),
    ] {
        let problem = send(&app, Method::POST, "/api/v1/services", Some(b.clone()), 422).await;
        assert!(problem["errors"].get(field).is_some(), "{b}: {problem}");
    }
    let unknown = Uuid::now_v7();
    for field in ["owner_id", "manager_id", "parent_service_id"] {
        let problem = send(
            &app,
            Method::POST,
            "/api/v1/services",
            Some(json!({"name": "X", "type": "business", field: unknown})),
            422,
        )
        .await;
        assert_eq!(problem["code"], "invalid_reference", "{field}");
        assert!(problem["errors"].get(field).is_some(), "{field}: {problem}");
    }
    assert!(names(&app, "").await.is_empty(), "nothing was written");
    app.stop().await;
}

#[tokio::test]
async fn every_list_filter_selects_only_the_matching_services() {
    let app = TestApp::spawn().await;
    let owner = me(&app).await;
    let other_user = id_of(&app.create_user("owner@example.com", Some(PASSWORD), &["agent"]).await);
    let root = id_of(
        &create(
            &app,
            json!({"name": "Root", "type": "business", "status": "active", "domain": "health",
                   "cost_people": 300}),
        )
        .await,
    );
    create(
        &app,
        json!({"name": "Child", "type": "technical", "parent_service_id": root, "domain": "health",
               "description": "runs the ledger", "owner_id": other_user, "cost_people": 100}),
    )
    .await;
    create(
        &app,
        json!({"name": "Lone", "type": "infrastructure", "status": "retired", "domain": "justice",
               "cost_people": 200}),
    )
    .await;

    assert_eq!(names(&app, "").await, ["Root", "Child", "Lone"], "by number");
    assert_eq!(names(&app, "type=technical,infrastructure").await, ["Child", "Lone"]);
    assert_eq!(names(&app, "status=active").await, ["Root"]);
    assert_eq!(names(&app, "status=design").await, ["Child"]);
    assert_eq!(names(&app, "domain=health").await, ["Root", "Child"]);
    assert_eq!(names(&app, &format!("owner_id={other_user}")).await, ["Child"]);
    assert_eq!(names(&app, &format!("owner_id={owner}")).await, ["Root", "Lone"]);
    assert_eq!(names(&app, &format!("parent_service_id={root}")).await, ["Child"]);
    assert_eq!(names(&app, "root=true").await, ["Root", "Lone"]);
    assert_eq!(names(&app, "root=false").await, ["Child"]);
    assert_eq!(names(&app, "q=ledger").await, ["Child"], "q matches the description");
    assert_eq!(names(&app, "q=LON").await, ["Lone"], "q matches the name in any case");
    assert_eq!(names(&app, "q=SRV-00002").await, ["Child"], "q matches the number");
    assert_eq!(names(&app, "sort=total_cost").await, ["Child", "Lone", "Root"]);
    assert_eq!(
        names(&app, "sort=total_cost&order=desc").await,
        ["Root", "Lone", "Child"]
    );
    assert_eq!(names(&app, "sort=name").await, ["Child", "Lone", "Root"]);
    assert_eq!(names(&app, "sort=type").await, ["Root", "Lone", "Child"]);
    assert_eq!(names(&app, "sort=status&order=desc").await, ["Lone", "Child", "Root"]);
    send(&app, Method::GET, "/api/v1/services?root=maybe", None, 400).await;
    send(&app, Method::GET, "/api/v1/services?type=platform", None, 400).await;
    send(&app, Method::GET, "/api/v1/services?sort=cost", None, 400).await;
    app.stop().await;
}

#[tokio::test]
async fn a_move_that_would_make_a_cycle_is_422_naming_parent_service_id() {
    let app = TestApp::spawn().await;
    // C is the top; B below C; A below B.
    let c = service(&app, "C", None).await;
    let b = service(&app, "B", Some(&c)).await;
    let a = service(&app, "A", Some(&b)).await;
    for (parent, why) in [(&a, "a descendant"), (&b, "a child"), (&c, "itself")] {
        let problem = send(
            &app,
            Method::PUT,
            &format!("/api/v1/services/{c}"),
            Some(json!({"version": 1, "parent_service_id": parent})),
            422,
        )
        .await;
        assert_eq!(problem["code"], "validation_failed", "{why}");
        assert!(problem["errors"].get("parent_service_id").is_some(), "{why}: {problem}");
    }
    let top = send(&app, Method::GET, &format!("/api/v1/services/{c}"), None, 200).await;
    assert_eq!(top["parent_service_id"], Value::Null, "nothing changed");
    assert_eq!(top["version"], 1);
    // A legal move: A up to C, then to the top.
    send(
        &app,
        Method::PUT,
        &format!("/api/v1/services/{a}"),
        Some(json!({"version": 1, "parent_service_id": c})),
        200,
    )
    .await;
    let moved = send(
        &app,
        Method::PUT,
        &format!("/api/v1/services/{a}"),
        Some(json!({"version": 2, "parent_service_id": null})),
        200,
    )
    .await;
    assert_eq!(moved["parent_service_id"], Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_service_with_live_children_is_409_and_a_deleted_one_is_gone() {
    let app = TestApp::spawn().await;
    let parent = service(&app, "Parent", None).await;
    let child = service(&app, "Child", Some(&parent)).await;
    let item = format!("/api/v1/services/{parent}");
    let problem = send(&app, Method::DELETE, &item, None, 409).await;
    assert_eq!(problem["code"], "service_has_children");
    send(&app, Method::GET, &item, None, 200).await;

    send(&app, Method::DELETE, &format!("/api/v1/services/{child}"), None, 204).await;
    send(&app, Method::DELETE, &item, None, 204).await;
    assert!(names(&app, "").await.is_empty());
    send(&app, Method::GET, &item, None, 404).await;
    send(&app, Method::GET, &format!("{item}/rollup"), None, 404).await;
    send(
        &app,
        Method::PUT,
        &item,
        Some(json!({"version": 2, "name": "Back"})),
        404,
    )
    .await;
    send(&app, Method::DELETE, &item, None, 404).await;
    let problem = send(
        &app,
        Method::POST,
        "/api/v1/services",
        Some(json!({"name": "Orphan", "type": "business", "parent_service_id": parent})),
        422,
    )
    .await;
    assert_eq!(problem["code"], "invalid_reference", "a deleted parent is no parent");
    // Its history stays readable.
    let history = send(
        &app,
        Method::GET,
        &format!("/api/v1/audit-logs/service/{parent}"),
        None,
        200,
    )
    .await;
    let actions: Vec<&str> = history["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"service.created") && actions.contains(&"service.deleted"),
        "{actions:?}"
    );
    assert_eq!(event_types(&app, &parent).await, ["service.created", "service.deleted"]);
    app.stop().await;
}

#[tokio::test]
async fn the_rollup_of_a_three_level_tree_sums_costs_and_takes_the_worst_status() {
    let app = TestApp::spawn().await;
    let svc = |name: &str, parent: Option<&str>, status: &str, people: f64| {
        json!({"name": name, "type": "business", "parent_service_id": parent, "status": status,
               "cost_people": people, "cost_process": 1.5, "cost_technology": 0.25})
    };
    let root = id_of(&create(&app, svc("Root", None, "active", 100.0)).await);
    let mid = id_of(&create(&app, svc("Mid", Some(&root), "active", 10.0)).await);
    let other = id_of(&create(&app, svc("Other", Some(&root), "design", 20.0)).await);
    let leaf = id_of(&create(&app, svc("Leaf", Some(&mid), "deprecated", 1.0)).await);
    let gone = id_of(&create(&app, svc("Gone", Some(&mid), "retired", 1000.0)).await);
    send(&app, Method::DELETE, &format!("/api/v1/services/{gone}"), None, 204).await;

    let r = send(&app, Method::GET, &format!("/api/v1/services/{root}/rollup"), None, 200).await;
    assert_eq!(r["service_id"], json!(root));
    assert_eq!(r["service_count"], 4, "a deleted service is left out");
    assert_eq!(r["cost_people"], json!(131.0));
    assert_eq!(r["cost_process"], json!(6.0));
    assert_eq!(r["cost_technology"], json!(1.0));
    assert_eq!(r["total_cost"], json!(138.0));
    assert_eq!(r["worst_status"], "deprecated");
    let children = r["children"].as_array().expect("children");
    assert_eq!(children.len(), 2);
    assert_eq!(children[0]["service_id"], json!(mid));
    assert_eq!(children[0]["service_count"], 2);
    assert_eq!(children[0]["total_cost"], json!(14.5));
    assert_eq!(children[0]["worst_status"], "deprecated");
    assert_eq!(children[0]["children"][0]["service_id"], json!(leaf));
    assert_eq!(children[0]["children"][0]["children"], json!([]));
    assert_eq!(children[1]["service_id"], json!(other));
    assert_eq!(children[1]["worst_status"], "design");

    let sub = send(&app, Method::GET, &format!("/api/v1/services/{mid}/rollup"), None, 200).await;
    assert_eq!(
        (sub["service_count"].clone(), sub["cost_people"].clone()),
        (json!(2), json!(11.0))
    );
    app.stop().await;
}

#[tokio::test]
async fn relationships_are_listed_both_ways_and_self_links_duplicates_and_foreign_targets_are_refused() {
    let app = TestApp::spawn().await;
    let a = service(&app, "A", None).await;
    let b = service(&app, "B", None).await;
    let rels = format!("/api/v1/services/{a}/relationships");
    let r = send(
        &app,
        Method::POST,
        &rels,
        Some(json!({"target_service_id": b, "relationship_type": "depends_on", "description": "needs it"})),
        201,
    )
    .await;
    assert_eq!(r["direction"], "outgoing");
    assert_eq!(r["related_service"]["id"], json!(b));
    assert_eq!(r["related_service"]["number"], "SRV-00002");
    assert_eq!(event_types(&app, &id_of(&r)).await, ["service_relationship.created"]);

    let from_b = send(
        &app,
        Method::GET,
        &format!("/api/v1/services/{b}/relationships"),
        None,
        200,
    )
    .await;
    assert_eq!(from_b["meta"]["total"], 1);
    let item = &from_b["data"][0];
    assert_eq!(item["direction"], "incoming");
    assert_eq!(item["source_service_id"], json!(a));
    assert_eq!(item["target_service_id"], json!(b));
    assert_eq!(item["relationship_type"], "depends_on");
    assert_eq!(item["description"], "needs it");
    assert_eq!(item["related_service"]["name"], "A");
    assert_eq!(item["related_service"]["type"], "business");
    assert_eq!(item["related_service"]["status"], "design");

    let problem = send(
        &app,
        Method::POST,
        &rels,
        Some(json!({"target_service_id": a, "relationship_type": "depends_on"})),
        422,
    )
    .await;
    assert!(
        problem["errors"].get("target_service_id").is_some(),
        "self-link: {problem}"
    );
    let problem = send(
        &app,
        Method::POST,
        &rels,
        Some(json!({"target_service_id": b, "relationship_type": "depends_on"})),
        409,
    )
    .await;
    assert_eq!(problem["code"], "already_exists", "duplicate: {problem}");
    send(
        &app,
        Method::POST,
        &rels,
        Some(json!({"target_service_id": b, "relationship_type": "replaces"})),
        201,
    )
    .await;
    send(
        &app,
        Method::POST,
        &rels,
        Some(json!({"target_service_id": b, "relationship_type": "owns"})),
        422,
    )
    .await;

    let other = other_tenant(&app).await;
    let theirs = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/services",
        Some(json!({"name": "Theirs", "type": "business"})),
        201,
    )
    .await;
    let problem = send(
        &app,
        Method::POST,
        &rels,
        Some(json!({"target_service_id": id_of(&theirs), "relationship_type": "depends_on"})),
        422,
    )
    .await;
    assert_eq!(problem["code"], "invalid_reference");
    assert!(problem["errors"].get("target_service_id").is_some(), "{problem}");

    // Deleted through either end; not through an unrelated service.
    let c = service(&app, "C", None).await;
    let rid = id_of(&r);
    send(
        &app,
        Method::DELETE,
        &format!("/api/v1/services/{c}/relationships/{rid}"),
        None,
        404,
    )
    .await;
    send(
        &app,
        Method::DELETE,
        &format!("/api/v1/services/{b}/relationships/{rid}"),
        None,
        204,
    )
    .await;
    send(&app, Method::DELETE, &format!("{rels}/{rid}"), None, 404).await;
    assert_eq!(
        event_types(&app, &rid).await,
        ["service_relationship.created", "service_relationship.deleted"]
    );
    let left = send(&app, Method::GET, &rels, None, 200).await;
    assert_eq!(left["meta"]["total"], 1);
    assert_eq!(left["data"][0]["relationship_type"], "replaces");
    // A link to a deleted service leaves the list.
    send(&app, Method::DELETE, &format!("/api/v1/services/{b}"), None, 204).await;
    assert_eq!(send(&app, Method::GET, &rels, None, 200).await["meta"]["total"], 0);
    app.stop().await;
}

#[tokio::test]
async fn stakeholders_are_added_listed_with_their_user_and_a_duplicate_is_409() {
    let app = TestApp::spawn().await;
    let s = service(&app, "Portal", None).await;
    let user = app.create_user("stake@example.com", Some(PASSWORD), &["agent"]).await;
    let uid = id_of(&user);
    let path = format!("/api/v1/services/{s}/stakeholders");
    let added = send(
        &app,
        Method::POST,
        &path,
        Some(json!({"user_id": uid, "role": "manager"})),
        201,
    )
    .await;
    assert_eq!(added["service_id"], json!(s));
    assert_eq!(added["user"]["email"], "stake@example.com");
    assert_eq!(added["role"], "manager");
    let problem = send(
        &app,
        Method::POST,
        &path,
        Some(json!({"user_id": uid, "role": "manager"})),
        409,
    )
    .await;
    assert_eq!(problem["code"], "already_exists");
    send(
        &app,
        Method::POST,
        &path,
        Some(json!({"user_id": uid, "role": "owner"})),
        201,
    )
    .await;
    let problem = send(
        &app,
        Method::POST,
        &path,
        Some(json!({"user_id": Uuid::now_v7(), "role": "owner"})),
        422,
    )
    .await;
    assert_eq!(problem["code"], "invalid_reference");
    assert!(problem["errors"].get("user_id").is_some());
    send(
        &app,
        Method::POST,
        &path,
        Some(json!({"user_id": uid, "role": "boss"})),
        422,
    )
    .await;

    let list = send(&app, Method::GET, &format!("{path}?role=manager"), None, 200).await;
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["data"][0]["user"]["id"], json!(uid));
    assert!(list["data"][0]["user"]["name"].is_string());
    let sid = id_of(&added);
    send(&app, Method::DELETE, &format!("{path}/{sid}"), None, 204).await;
    send(&app, Method::DELETE, &format!("{path}/{sid}"), None, 404).await;
    assert_eq!(
        event_types(&app, &sid).await,
        ["service_stakeholder.added", "service_stakeholder.removed"]
    );
    assert_eq!(send(&app, Method::GET, &path, None, 200).await["meta"]["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn attaching_an_application_is_idempotent_and_detaching_twice_is_404() {
    let app = TestApp::spawn().await;
    let s = service(&app, "Billing", None).await;
    let a = id_of(
        &send(
            &app,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Ledger", "tier": "P1"})),
            201,
        )
        .await,
    );
    let link = format!("/api/v1/applications/{a}/services/{s}");
    let first = send(&app, Method::PUT, &link, None, 200).await;
    assert_eq!(first["id"], json!(s));
    assert_eq!(first["number"], "SRV-00001");
    send(&app, Method::PUT, &link, None, 200).await;
    let linked: Vec<String> = event_types(&app, &a)
        .await
        .into_iter()
        .filter(|t| t.starts_with("application.service"))
        .collect();
    assert_eq!(linked, ["application.service_linked"], "no second event on a repeat");

    let services = send(
        &app,
        Method::GET,
        &format!("/api/v1/applications/{a}/services"),
        None,
        200,
    )
    .await;
    assert_eq!(services["meta"]["total"], 1);
    assert_eq!(services["data"][0]["name"], "Billing");
    assert_eq!(services["data"][0]["type"], "business");
    let apps = send(
        &app,
        Method::GET,
        &format!("/api/v1/services/{s}/applications"),
        None,
        200,
    )
    .await;
    assert_eq!(apps["meta"]["total"], 1);
    assert_eq!(apps["data"][0]["app_id"], "APP-00001");
    assert_eq!(apps["data"][0]["tier"], "P1");
    assert_eq!(apps["data"][0]["status"], "active");

    send(&app, Method::DELETE, &link, None, 204).await;
    send(&app, Method::DELETE, &link, None, 404).await;
    let linked: Vec<String> = event_types(&app, &a)
        .await
        .into_iter()
        .filter(|t| t.starts_with("application.service"))
        .collect();
    assert_eq!(linked, ["application.service_linked", "application.service_unlinked"]);
    assert_eq!(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/services/{s}/applications"),
            None,
            200
        )
        .await["meta"]["total"],
        0
    );
    send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{a}/services/{}", Uuid::now_v7()),
        None,
        404,
    )
    .await;
    send(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{}/services/{s}", Uuid::now_v7()),
        None,
        404,
    )
    .await;

    // A deleted application leaves the service's list.
    send(&app, Method::PUT, &link, None, 200).await;
    send(&app, Method::DELETE, &format!("/api/v1/applications/{a}"), None, 204).await;
    assert_eq!(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/services/{s}/applications"),
            None,
            200
        )
        .await["meta"]["total"],
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn another_tenant_can_neither_see_nor_change_services_or_what_hangs_off_them() {
    let app = TestApp::spawn().await;
    let s = service(&app, "Ours", None).await;
    let t = service(&app, "Target", None).await;
    let a = id_of(
        &send(
            &app,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Ours", "tier": "P2"})),
            201,
        )
        .await,
    );
    let other = other_tenant(&app).await;
    let theirs = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/services",
        Some(json!({"name": "Theirs", "type": "business"})),
        201,
    )
    .await;
    let their_app = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/applications",
        Some(json!({"name": "Theirs", "tier": "P2"})),
        201,
    )
    .await;
    let item = format!("/api/v1/services/{s}");
    for (method, path, b) in [
        (Method::GET, item.clone(), None),
        (Method::PUT, item.clone(), Some(json!({"version": 1, "name": "Mine"}))),
        (Method::GET, format!("{item}/rollup"), None),
        (Method::GET, format!("{item}/relationships"), None),
        (
            Method::POST,
            format!("{item}/relationships"),
            Some(json!({"target_service_id": t, "relationship_type": "depends_on"})),
        ),
        (Method::GET, format!("{item}/stakeholders"), None),
        (Method::GET, format!("{item}/applications"), None),
        (
            Method::PUT,
            format!("/api/v1/applications/{}/services/{s}", id_of(&their_app)),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/applications/{a}/services/{}", id_of(&theirs)),
            None,
        ),
        (Method::DELETE, item.clone(), None),
    ] {
        send_as(&app, &other, method.clone(), &path, b, 404).await;
    }
    // Nor can it hang its services under ours.
    let problem = send_as(
        &app,
        &other,
        Method::POST,
        "/api/v1/services",
        Some(json!({"name": "Sneaky", "type": "business", "parent_service_id": s})),
        422,
    )
    .await;
    assert_eq!(problem["code"], "invalid_reference");
    assert_eq!(names(&app, "").await, ["Ours", "Target"]);
    let their_names = send_as(&app, &other, Method::GET, "/api/v1/services", None, 200).await;
    assert_eq!(their_names["meta"]["total"], 1);
    send(&app, Method::GET, &item, None, 200).await;
    app.stop().await;
}
