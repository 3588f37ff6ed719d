//! The CMDB over HTTP: seeded classes, numbering, every CI filter (two `attr.` ones at
//! once), attribute schemas with errors by field, classes in use, relationship refusals and
//! both-direction listing, impact analysis (downstream, upstream, depth, cycles, from an
//! application, soft-deleted CIs left out, agreeing with the reference BFS on random graphs),
//! the graph's truncation and tenant isolation.

use firelater_core::cmdb::impact::{Edge, bfs};
use firelater_core::cmdb::{ImpactDirection, RelationshipType, SEEDED_CLASSES};
use firelater_service::tenants::NewTenant;
use firelater_testkit::TestApp;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

const PASSWORD: &str = "cmdb password 123";

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

async fn get(app: &TestApp, path: &str) -> Value {
    send(app, Method::GET, path, None, 200).await
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn ci(app: &TestApp, name: &str, extra: Value) -> String {
    let mut b = json!({"name": name, "ci_class": "server", "environment": "production"});
    if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    id_of(&send(app, Method::POST, "/api/v1/cmdb/cis", Some(b), 201).await)
}

async fn rel(app: &TestApp, s: &str, t: &str, kind: &str) -> String {
    let b = json!({"source_ci_id": s, "target_ci_id": t, "relationship_type": kind});
    id_of(&send(app, Method::POST, "/api/v1/cmdb/relationships", Some(b), 201).await)
}

/// The names of the CIs a list query returns, in order.
async fn names(app: &TestApp, query: &str) -> Vec<String> {
    get(app, &format!("/api/v1/cmdb/cis?{query}")).await["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect()
}

/// The impact's nodes as id → depth.
fn depths(impact: &Value) -> BTreeMap<String, u64> {
    impact["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| (id_of(&n["ci"]), n["depth"].as_u64().expect("depth")))
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
async fn every_tenant_starts_with_the_seeded_classes_as_the_migration_seeds_them() {
    let app = TestApp::spawn().await;
    let page = get(&app, "/api/v1/cmdb/classes?per_page=100").await;
    let mut got: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    got.sort_unstable();
    let mut want: Vec<&str> = SEEDED_CLASSES.iter().map(|c| c.name).collect();
    want.sort_unstable();
    assert_eq!(got, want);
    let frozen: Vec<(&str, &str, &str, Option<&str>)> = firelater_db::CMDB_SEEDED_CLASSES
        .iter()
        .map(|(n, l, d, s)| (*n, *l, *d, Some(*s)))
        .collect();
    let current: Vec<(&str, &str, &str, Option<&str>)> = SEEDED_CLASSES
        .iter()
        .map(|c| (c.name, c.label, c.description, c.schema))
        .collect();
    assert_eq!(frozen, current, "the migration's copy matches the seeded classes");
    let server = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|c| c["name"] == "server")
        .expect("server");
    assert_eq!(server["attribute_schema"]["properties"]["cpu_cores"]["minimum"], 1);
    assert_eq!(server["ci_count"], 0);
    app.stop().await;
}

#[tokio::test]
async fn ci_numbers_count_up_and_the_owner_defaults_to_the_caller() {
    let app = TestApp::spawn().await;
    let a = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/cis",
        Some(json!({"name": "web-1", "ci_class": "server", "environment": "production"})),
        201,
    )
    .await;
    let b = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/cis",
        Some(json!({"name": "db-1", "ci_class": "database", "environment": "staging"})),
        201,
    )
    .await;
    assert_eq!(
        (a["number"].as_str(), b["number"].as_str()),
        (Some("CI-00001"), Some("CI-00002"))
    );
    assert_eq!(a["status"], "active");
    assert_eq!(a["attributes"], json!({}));
    let me = get(&app, "/api/v1/auth/me").await;
    assert_eq!(a["owner_id"], me["user"]["id"]);
    assert_eq!(a["created_by"], me["user"]["id"]);
    app.stop().await;
}

#[tokio::test]
async fn every_ci_filter_selects_what_it_names_and_attr_filters_combine() {
    let app = TestApp::spawn().await;
    let application = id_of(
        &send(
            &app,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Shop", "tier": "P1"})),
            201,
        )
        .await,
    );
    let service = id_of(
        &send(
            &app,
            Method::POST,
            "/api/v1/services",
            Some(json!({"name": "Payments", "type": "technical"})),
            201,
        )
        .await,
    );
    ci(
        &app,
        "alpha",
        json!({"attributes": {"os": "Ubuntu 22.04", "cpu_cores": 8}, "application_id": application, "description": "front door"}),
    )
    .await;
    ci(
        &app,
        "beta",
        json!({"attributes": {"os": "Ubuntu 22.04", "cpu_cores": 4}, "service_id": service}),
    )
    .await;
    ci(
        &app,
        "gamma",
        json!({"attributes": {"os": "Debian 12", "cpu_cores": 8}, "status": "maintenance"}),
    )
    .await;
    ci(&app, "delta", json!({"ci_class": "database", "environment": "test"})).await;
    let other = app.create_user("owner@example.com", Some(PASSWORD), &["agent"]).await;
    ci(&app, "epsilon", json!({"owner_id": other["id"]})).await;

    assert_eq!(names(&app, "ci_class=database").await, ["delta"]);
    assert_eq!(names(&app, "status=maintenance").await, ["gamma"]);
    assert_eq!(names(&app, "environment=test").await, ["delta"]);
    assert_eq!(names(&app, &format!("application_id={application}")).await, ["alpha"]);
    assert_eq!(names(&app, &format!("service_id={service}")).await, ["beta"]);
    assert_eq!(
        names(&app, &format!("owner_id={}", other["id"].as_str().expect("id"))).await,
        ["epsilon"]
    );
    assert_eq!(names(&app, "q=front").await, ["alpha"]);
    assert_eq!(names(&app, "q=CI-0000").await.len(), 5, "q matches the number");
    assert_eq!(names(&app, "attr.os=Ubuntu%2022.04").await, ["alpha", "beta"]);
    assert_eq!(
        names(&app, "attr.os=Ubuntu%2022.04&attr.cpu_cores=8").await,
        ["alpha"],
        "ANDed, numbers as text"
    );
    assert_eq!(names(&app, "sort=name&order=desc").await[0], "gamma");
    let problem = send(&app, Method::GET, "/api/v1/cmdb/cis?attr.bad-key=1", None, 400).await;
    assert!(problem["errors"].get("attr.bad-key").is_some(), "{problem}");
    let problem = send(&app, Method::GET, "/api/v1/applications?attr.os=x", None, 400).await;
    assert!(
        problem["errors"].get("attr.os").is_some(),
        "attr. only on CIs: {problem}"
    );
    app.stop().await;
}

#[tokio::test]
async fn attributes_are_validated_against_the_class_schema_with_the_field_named() {
    let app = TestApp::spawn().await;
    let bad = json!({"name": "s", "ci_class": "server", "environment": "production",
        "attributes": {"cpu_cores": 0, "ip_address": "300.1.1.1", "ram_gb": "lots"}});
    let problem = send(&app, Method::POST, "/api/v1/cmdb/cis", Some(bad), 422).await;
    assert_eq!(problem["code"], "validation_failed");
    assert_eq!(problem["errors"]["attributes.cpu_cores"][0], "must be an integer ≥ 1");
    assert!(problem["errors"].get("attributes.ip_address").is_some(), "{problem}");
    assert!(problem["errors"].get("attributes.ram_gb").is_some(), "{problem}");
    let unknown = json!({"name": "s", "ci_class": "mainframe", "environment": "production"});
    let problem = send(&app, Method::POST, "/api/v1/cmdb/cis", Some(unknown), 422).await;
    assert!(problem["errors"].get("ci_class").is_some(), "{problem}");
    assert_eq!(
        get(&app, "/api/v1/cmdb/cis").await["meta"]["total"],
        0,
        "nothing written"
    );

    // A class whose schema uses a keyword outside the subset is refused.
    let problem = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/classes",
        Some(json!({"name": "vm", "label": "VM", "attribute_schema": {"type": "object", "oneOf": []}})),
        422,
    )
    .await;
    assert!(problem["errors"].get("attribute_schema").is_some(), "{problem}");

    // Changing a schema does not rewrite existing CIs; the next write of one is checked.
    let class = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/classes",
        Some(json!({"name": "vm", "label": "VM", "attribute_schema": {"type": "object", "properties": {"size": {"type": "string"}}}})),
        201,
    )
    .await;
    let vm = ci(&app, "vm-1", json!({"ci_class": "vm", "attributes": {"size": "large"}})).await;
    send(
        &app,
        Method::PUT,
        &format!("/api/v1/cmdb/classes/{}", id_of(&class)),
        Some(
            json!({"version": 1, "attribute_schema": {"type": "object", "properties": {"size": {"type": "integer"}}}}),
        ),
        200,
    )
    .await;
    let kept = get(&app, &format!("/api/v1/cmdb/cis/{vm}")).await;
    assert_eq!(kept["attributes"]["size"], "large");
    let problem = send(
        &app,
        Method::PUT,
        &format!("/api/v1/cmdb/cis/{vm}"),
        Some(json!({"version": 1, "attributes": {"size": "huge"}})),
        422,
    )
    .await;
    assert_eq!(problem["errors"]["attributes.size"][0], "must be an integer");
    app.stop().await;
}

#[tokio::test]
async fn a_class_in_use_cannot_be_deleted_or_renamed_until_its_cis_are_gone() {
    let app = TestApp::spawn().await;
    let class = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/classes",
        Some(json!({"name": "switch", "label": "Switch"})),
        201,
    )
    .await;
    let path = format!("/api/v1/cmdb/classes/{}", id_of(&class));
    let dup = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/classes",
        Some(json!({"name": "switch", "label": "Again"})),
        409,
    )
    .await;
    assert!(dup["errors"].get("name").is_some(), "{dup}");
    let c = ci(&app, "sw-1", json!({"ci_class": "switch"})).await;
    assert_eq!(get(&app, &path).await["ci_count"], 1);
    let problem = send(&app, Method::DELETE, &path, None, 409).await;
    assert_eq!(problem["code"], "class_in_use");
    let problem = send(
        &app,
        Method::PUT,
        &path,
        Some(json!({"version": 1, "name": "switches"})),
        409,
    )
    .await;
    assert_eq!(problem["code"], "class_in_use");
    send(&app, Method::DELETE, &format!("/api/v1/cmdb/cis/{c}"), None, 204).await;
    send(&app, Method::DELETE, &path, None, 204).await;
    send(&app, Method::GET, &path, None, 404).await;
    app.stop().await;
}

#[tokio::test]
async fn relationships_refuse_self_links_duplicates_and_foreign_or_deleted_ends() {
    let app = TestApp::spawn().await;
    let (a, b, gone) = (
        ci(&app, "a", json!({})).await,
        ci(&app, "b", json!({})).await,
        ci(&app, "gone", json!({})).await,
    );
    send(&app, Method::DELETE, &format!("/api/v1/cmdb/cis/{gone}"), None, 204).await;
    let their = other_tenant(&app).await;
    let foreign = id_of(
        &send_as(
            &app,
            &their,
            Method::POST,
            "/api/v1/cmdb/cis",
            Some(json!({"name": "theirs", "ci_class": "server", "environment": "test"})),
            201,
        )
        .await,
    );
    let post = |s: &str, t: &str, status| {
        let b = json!({"source_ci_id": s, "target_ci_id": t, "relationship_type": "depends_on"});
        send(&app, Method::POST, "/api/v1/cmdb/relationships", Some(b), status)
    };
    let p = post(&a, &a, 422).await;
    assert!(p["errors"].get("target_ci_id").is_some(), "self-link: {p}");
    post(&a, &b, 201).await;
    let p = post(&a, &b, 409).await;
    assert_eq!(p["code"], "already_exists", "{p}");
    let p = post(&a, &foreign, 422).await;
    assert_eq!(
        (p["code"].as_str(), p["errors"].get("target_ci_id").is_some()),
        (Some("invalid_reference"), true)
    );
    let p = post(&gone, &b, 422).await;
    assert!(p["errors"].get("source_ci_id").is_some(), "deleted end: {p}");
    let p = send(
        &app,
        Method::POST,
        "/api/v1/cmdb/relationships",
        Some(json!({"source_ci_id": a, "target_ci_id": b, "relationship_type": "likes"})),
        422,
    )
    .await;
    assert!(p["errors"].get("relationship_type").is_some(), "{p}");
    assert_eq!(
        get(&app, "/api/v1/cmdb/relationships").await["meta"]["total"],
        1,
        "nothing else written"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_ci_lists_its_relationships_both_ways_and_deleted_ends_vanish() {
    let app = TestApp::spawn().await;
    let (web, db, lb) = (
        ci(&app, "web", json!({})).await,
        ci(&app, "db", json!({"ci_class": "database"})).await,
        ci(&app, "lb", json!({})).await,
    );
    let r1 = rel(&app, &web, &db, "depends_on").await;
    let r2 = rel(&app, &lb, &web, "connects_to").await;
    let page = get(&app, &format!("/api/v1/cmdb/cis/{web}/relationships")).await;
    let items = page["data"].as_array().expect("data");
    assert_eq!(items.len(), 2);
    let out = items.iter().find(|i| i["id"] == r1.as_str()).expect("outgoing");
    assert_eq!(
        (out["direction"].as_str(), out["related_ci"]["name"].as_str()),
        (Some("outgoing"), Some("db"))
    );
    assert_eq!(out["related_ci"]["ci_class"], "database");
    let inc = items.iter().find(|i| i["id"] == r2.as_str()).expect("incoming");
    assert_eq!(
        (inc["direction"].as_str(), inc["related_ci"]["name"].as_str()),
        (Some("incoming"), Some("lb"))
    );
    for (query, want) in [
        (format!("source_ci_id={web}"), 1),
        (format!("target_ci_id={web}"), 1),
        (format!("ci_id={web}"), 2),
        ("relationship_type=connects_to".to_owned(), 1),
    ] {
        assert_eq!(
            get(&app, &format!("/api/v1/cmdb/relationships?{query}")).await["meta"]["total"],
            want,
            "{query}"
        );
    }
    send(&app, Method::DELETE, &format!("/api/v1/cmdb/cis/{db}"), None, 204).await;
    let page = get(&app, &format!("/api/v1/cmdb/cis/{web}/relationships")).await;
    assert_eq!(page["meta"]["total"], 1, "the deleted CI's relationship vanishes");
    send(
        &app,
        Method::GET,
        &format!("/api/v1/cmdb/relationships/{r1}"),
        None,
        404,
    )
    .await;
    send(
        &app,
        Method::DELETE,
        &format!("/api/v1/cmdb/relationships/{r2}"),
        None,
        204,
    )
    .await;
    assert_eq!(get(&app, "/api/v1/cmdb/relationships").await["meta"]["total"], 0);
    app.stop().await;
}

#[tokio::test]
async fn impact_walks_downstream_and_upstream_within_depth_through_cycles_without_deleted_cis() {
    let app = TestApp::spawn().await;
    // app1 runs_on vm; vm depends_on san; api depends_on app1; backup: san backed_up_by tape.
    let application = id_of(
        &send(
            &app,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Shop", "tier": "P2"})),
            201,
        )
        .await,
    );
    let service = id_of(
        &send(
            &app,
            Method::POST,
            "/api/v1/services",
            Some(json!({"name": "Payments", "type": "technical"})),
            201,
        )
        .await,
    );
    let san = ci(&app, "san", json!({"ci_class": "storage"})).await;
    let vm = ci(&app, "vm", json!({})).await;
    let app1 = ci(
        &app,
        "app1",
        json!({"ci_class": "application", "application_id": application, "service_id": service}),
    )
    .await;
    let api = ci(&app, "api", json!({"ci_class": "application"})).await;
    let tape = ci(&app, "tape", json!({"ci_class": "storage"})).await;
    rel(&app, &app1, &vm, "runs_on").await;
    rel(&app, &vm, &san, "depends_on").await;
    rel(&app, &api, &app1, "depends_on").await;
    rel(&app, &san, &tape, "backed_up_by").await;

    let down = get(&app, &format!("/api/v1/cmdb/cis/{san}/impact")).await;
    assert_eq!(
        (down["direction"].as_str(), down["depth"].as_u64()),
        (Some("downstream"), Some(5))
    );
    assert_eq!(down["root"]["id"], san.as_str());
    assert_eq!(
        depths(&down),
        BTreeMap::from([(vm.clone(), 1), (app1.clone(), 2), (api.clone(), 3)])
    );
    let api_node = down["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["ci"]["id"] == api.as_str())
        .expect("api");
    assert_eq!(api_node["path"], json!([san, vm, app1, api]));
    assert_eq!(api_node["relationship_type"], "depends_on");
    assert_eq!(down["edges"].as_array().expect("edges").len(), 3);
    assert_eq!(down["applications"][0]["app_id"], "APP-00001");
    assert_eq!(down["applications"][0]["tier"], "P2");
    assert_eq!(down["services"], json!([{"id": service}]));

    let shallow = get(&app, &format!("/api/v1/cmdb/cis/{san}/impact?depth=2")).await;
    assert_eq!(depths(&shallow), BTreeMap::from([(vm.clone(), 1), (app1.clone(), 2)]));
    let up = get(
        &app,
        &format!("/api/v1/cmdb/cis/{api}/impact?direction=upstream&depth=10"),
    )
    .await;
    assert_eq!(
        depths(&up),
        BTreeMap::from([(app1.clone(), 1), (vm.clone(), 2), (san.clone(), 3)]),
        "backed_up_by does not propagate"
    );

    // A cycle ends: san depends_on api closes api → app1 → vm → san → api.
    rel(&app, &san, &api, "depends_on").await;
    let cyc = get(&app, &format!("/api/v1/cmdb/cis/{san}/impact?depth=10")).await;
    assert_eq!(
        depths(&cyc),
        BTreeMap::from([(vm.clone(), 1), (app1.clone(), 2), (api.clone(), 3)]),
        "the start is not a node"
    );

    // From the application: its CIs at depth 0, itself not among the affected applications.
    let from_app = get(&app, &format!("/api/v1/applications/{application}/impact")).await;
    assert_eq!(from_app["root"]["app_id"], "APP-00001");
    assert_eq!(
        depths(&from_app),
        BTreeMap::from([(app1.clone(), 0), (api.clone(), 1), (san.clone(), 2), (vm.clone(), 3)])
    );
    assert_eq!(from_app["applications"], json!([]));

    // A soft-deleted CI leaves the walk and cuts what lies behind it.
    send(&app, Method::DELETE, &format!("/api/v1/cmdb/cis/{vm}"), None, 204).await;
    let cut = get(&app, &format!("/api/v1/cmdb/cis/{san}/impact")).await;
    assert_eq!(depths(&cut), BTreeMap::from([]));
    for bad in ["depth=0", "depth=11", "direction=sideways", "deep=1"] {
        let p = send(
            &app,
            Method::GET,
            &format!("/api/v1/cmdb/cis/{san}/impact?{bad}"),
            None,
            400,
        )
        .await;
        let name = bad.split('=').next().expect("name");
        assert!(p["errors"].get(name).is_some(), "{bad}: {p}");
    }
    send(&app, Method::GET, &format!("/api/v1/cmdb/cis/{vm}/impact"), None, 404).await;
    app.stop().await;
}

/// A small deterministic generator, so a failing graph can be replayed from its seed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[tokio::test]
async fn the_recursive_query_agrees_with_breadth_first_search_on_random_graphs() {
    let app = TestApp::spawn().await;
    for seed in 1..=3u64 {
        let mut rng = Lcg(seed);
        let mut ids = Vec::new();
        for i in 0..10 {
            ids.push(ci(&app, &format!("g{seed}-{i}"), json!({})).await);
        }
        let mut edges: Vec<Edge> = Vec::new();
        for _ in 0..22 {
            let (s, t) = (rng.next(ids.len()), rng.next(ids.len()));
            let kind = RelationshipType::ALL[rng.next(RelationshipType::ALL.len())];
            let e = (ids[s].parse().expect("uuid"), ids[t].parse().expect("uuid"), kind);
            if s == t || edges.contains(&e) {
                continue;
            }
            rel(&app, &ids[s], &ids[t], kind.as_str()).await;
            edges.push(e);
        }
        for (start, direction, depth) in [
            (0, "downstream", 10),
            (1, "upstream", 10),
            (2, "downstream", 2),
            (3, "upstream", 1),
        ] {
            let got = get(
                &app,
                &format!(
                    "/api/v1/cmdb/cis/{}/impact?direction={direction}&depth={depth}",
                    ids[start]
                ),
            )
            .await;
            let dir: ImpactDirection = direction.parse().expect("direction");
            let start_id: Uuid = ids[start].parse().expect("uuid");
            let want: BTreeMap<String, u64> = bfs(&edges, &[start_id], dir, depth)
                .into_iter()
                .filter(|(id, _)| *id != start_id)
                .map(|(id, d)| (id.to_string(), u64::from(d)))
                .collect();
            assert_eq!(
                depths(&got),
                want,
                "seed {seed}, start {start}, {direction}, depth {depth}"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_graph_reaches_both_ways_over_every_type_and_flags_truncation_at_500_nodes() {
    let app = TestApp::spawn().await;
    let hub = ci(&app, "hub", json!({})).await;
    let a = ci(&app, "a", json!({})).await;
    let b = ci(&app, "b", json!({})).await;
    rel(&app, &a, &hub, "connects_to").await;
    rel(&app, &hub, &b, "backed_up_by").await;
    let g = get(&app, &format!("/api/v1/cmdb/cis/{hub}/graph")).await;
    assert_eq!(g["nodes"].as_array().expect("nodes").len(), 3);
    assert_eq!(g["nodes"][0]["id"], hub.as_str());
    assert_eq!(g["nodes"][0]["depth"], 0);
    assert_eq!(g["edges"].as_array().expect("edges").len(), 2);
    assert_eq!(g["truncated"], false);
    let p = send(
        &app,
        Method::GET,
        &format!("/api/v1/cmdb/cis/{hub}/graph?depth=6"),
        None,
        400,
    )
    .await;
    assert!(p["errors"].get("depth").is_some(), "{p}");

    // 500 more neighbours: 503 CIs within reach, 500 kept, nearest first.
    for i in 0..500 {
        let leaf = ci(&app, &format!("leaf-{i}"), json!({})).await;
        rel(&app, &leaf, &hub, "part_of").await;
    }
    let g = get(&app, &format!("/api/v1/cmdb/cis/{hub}/graph")).await;
    let nodes = g["nodes"].as_array().expect("nodes");
    assert_eq!((nodes.len(), g["truncated"].as_bool()), (500, Some(true)));
    assert_eq!(nodes[0]["id"], hub.as_str());
    assert!(nodes.iter().all(|n| n["depth"].as_u64() <= Some(1)));
    app.stop().await;
}

#[tokio::test]
async fn another_tenants_cmdb_is_invisible() {
    let app = TestApp::spawn().await;
    let ours = ci(&app, "ours", json!({})).await;
    let their = other_tenant(&app).await;
    for path in [
        format!("/api/v1/cmdb/cis/{ours}"),
        format!("/api/v1/cmdb/cis/{ours}/impact"),
        format!("/api/v1/cmdb/cis/{ours}/graph"),
        format!("/api/v1/cmdb/cis/{ours}/relationships"),
    ] {
        send_as(&app, &their, Method::GET, &path, None, 404).await;
    }
    let theirs = send_as(&app, &their, Method::GET, "/api/v1/cmdb/cis", None, 200).await;
    assert_eq!(theirs["meta"]["total"], 0);
    let classes = send_as(
        &app,
        &their,
        Method::GET,
        "/api/v1/cmdb/classes?per_page=100",
        None,
        200,
    )
    .await;
    assert_eq!(classes["meta"]["total"], 11, "their own seeded classes");
    app.stop().await;
}

#[tokio::test]
async fn a_ci_supports_only_a_live_service_of_its_tenant() {
    let app = TestApp::spawn().await;
    let svc = |name: &'static str| json!({"name": name, "type": "technical"});
    let live = id_of(&send(&app, Method::POST, "/api/v1/services", Some(svc("Payments API")), 201).await);
    let gone = id_of(&send(&app, Method::POST, "/api/v1/services", Some(svc("Old API")), 201).await);
    send(&app, Method::DELETE, &format!("/api/v1/services/{gone}"), None, 204).await;
    let theirs = other_tenant(&app).await;
    let foreign = id_of(
        &send_as(
            &app,
            &theirs,
            Method::POST,
            "/api/v1/services",
            Some(svc("Theirs")),
            201,
        )
        .await,
    );

    let linked = ci(&app, "api-1", json!({"service_id": live})).await;
    assert_eq!(names(&app, &format!("service_id={live}")).await, ["api-1"]);
    for bad in [&gone, &foreign] {
        let b = json!({"name": "x", "ci_class": "server", "environment": "test", "service_id": bad});
        let p = send(&app, Method::POST, "/api/v1/cmdb/cis", Some(b), 422).await;
        assert_eq!(
            (p["code"].as_str(), p["errors"].get("service_id").is_some()),
            (Some("invalid_reference"), true),
            "{p}"
        );
    }
    let p = send(
        &app,
        Method::PUT,
        &format!("/api/v1/cmdb/cis/{linked}"),
        Some(json!({"version": 1, "service_id": foreign})),
        422,
    )
    .await;
    assert!(p["errors"].get("service_id").is_some(), "{p}");
}
