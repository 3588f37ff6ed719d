//! The resource contract: one battery of checks every resource of the API passes, run for
//! each resource from a small descriptor. A new resource adds one descriptor and one test.
//!
//! - without a token, its list and its create are 401;
//! - a user without the permission gets 403 for both;
//! - a create is 201 and writes its audit row (read back through
//!   `GET /audit-logs/{entityType}/{id}`) and its outbox event;
//! - an invalid body is a 422 that names the bad field;
//! - the list has the shared shape (`data`, `meta {page, per_page, total}`);
//! - another tenant's administrator gets 404 for the object, and each tenant's list leaves
//!   out the other's rows;
//! - an update with a stale `version` is a 409 (for resources that update).
//!
//! A resource whose create refers to other objects (a relationship's two CIs, a
//! stakeholder's user) names them in `refers_to`; each tenant makes its own first.

use firelater_testkit::TestApp;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

const PASSWORD: &str = "contract password 123";

/// How to update a resource, for the optimistic-locking check.
struct Update {
    /// A valid change; the battery adds `version`.
    body: fn() -> Value,
    /// The event an update writes (`None` only while the resource writes no events yet).
    event: Option<&'static str>,
}

/// The object a nested resource lives under (an application's environments): each tenant
/// makes its own, and the collection's `{parent}` becomes its id.
struct Parent {
    /// Where the parent is created, e.g. `/api/v1/applications`.
    collection: &'static str,
    /// A valid create body for the parent; `n` makes unique names.
    create: fn(n: u32) -> Value,
}

/// An object a create body refers to: where it is created and the body (`n` makes names unique).
type Referred = (&'static str, fn(n: u32) -> Value);

/// What the battery needs to know about one resource.
struct Resource {
    /// The collection, e.g. `/api/v1/users`: `GET` lists, `POST` creates. A nested resource's
    /// holds `{parent}`, e.g. `/api/v1/applications/{parent}/environments`.
    collection: &'static str,
    /// The object a nested resource lives under; `None` for a top-level one.
    parent: Option<Parent>,
    /// How to reach one object (`{collection}/{id}`) to prove another tenant cannot: `GET`,
    /// or `DELETE` for a resource that cannot be read alone.
    item_method: Method,
    /// A system role without the permission the list and the create need.
    role_without_permission: &'static str,
    /// Objects a create body refers to, made in each tenant before its first create: each a
    /// collection and a body to POST there (`n` makes unique names); their ids reach
    /// `create` in this order. Empty for a resource that refers to nothing.
    refers_to: &'static [Referred],
    /// A valid create body; `n` makes unique names, `ids` are the `refers_to` objects' ids.
    create: fn(n: u32, ids: &[String]) -> Value,
    /// An invalid create body and the field its 422 must name.
    invalid: (fn() -> Value, &'static str),
    /// The audit log's entity type, as in `/audit-logs/{entityType}/{id}`.
    entity_type: &'static str,
    /// The audit action of a create.
    created: &'static str,
    /// The outbox event of a create (`None` only while the resource writes no events yet).
    created_event: Option<&'static str>,
    /// How it updates, if it does.
    update: Option<Update>,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

fn next() -> u32 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

async fn json_of(res: Response) -> Value {
    res.json().await.expect("json")
}

fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::RequestBuilder {
    let mut req = app.request(method, path);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req
}

async fn status(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> u16 {
    send(app, method, path, token, body)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

async fn post_201(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let res = send(app, Method::POST, path, Some(token), Some(body))
        .send()
        .await
        .expect("create");
    let code = res.status().as_u16();
    let body = json_of(res).await;
    assert_eq!(code, 201, "{path} create: {body}");
    body
}

/// The collection as the holder of `token` sees it (a nested resource's under a parent it
/// creates for the purpose), and the ids of the objects a create refers to, made in the same
/// tenant.
async fn collection_for(app: &TestApp, r: &Resource, token: &str) -> (String, Vec<String>) {
    let path = match &r.parent {
        None => r.collection.to_owned(),
        Some(p) => {
            let parent = post_201(app, p.collection, token, (p.create)(next())).await;
            r.collection
                .replace("{parent}", parent["id"].as_str().expect("parent id"))
        }
    };
    let mut ids = Vec::new();
    for (collection, body) in r.refers_to {
        let made = post_201(app, collection, token, body(next())).await;
        ids.push(made["id"].as_str().expect("referred id").to_owned());
    }
    (path, ids)
}

async fn create(app: &TestApp, r: &Resource, path: &str, ids: &[String], token: &str) -> Value {
    post_201(app, path, token, (r.create)(next(), ids)).await
}

async fn list_ids(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    let page = json_of(
        send(app, Method::GET, &format!("{path}?per_page=100"), Some(token), None)
            .send()
            .await
            .expect("list"),
    )
    .await;
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|o| o["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Runs the whole contract for `r` on a fresh app.
async fn contract(r: Resource) {
    let app = TestApp::spawn().await;
    let admin = app.admin_token.clone();
    let (ours, our_refs) = collection_for(&app, &r, &admin).await;
    let path = ours.as_str();

    // 401 without a token.
    assert_eq!(
        status(&app, Method::GET, path, None, None).await,
        401,
        "{path} list anonymous"
    );
    assert_eq!(
        status(&app, Method::POST, path, None, Some((r.create)(next(), &our_refs))).await,
        401,
        "{path} create anonymous"
    );

    // 403 without the permission.
    let email = format!("contract-{}@example.com", next());
    app.create_user(&email, Some(PASSWORD), &[r.role_without_permission])
        .await;
    let weak = app.login("default", &email, PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        status(&app, Method::GET, path, Some(&weak), None).await,
        403,
        "{path} list"
    );
    assert_eq!(
        status(
            &app,
            Method::POST,
            path,
            Some(&weak),
            Some((r.create)(next(), &our_refs))
        )
        .await,
        403,
        "{path} create"
    );

    // 201, with its audit row and its outbox event.
    let created = create(&app, &r, path, &our_refs, &admin).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let history = json_of(
        app.admin(Method::GET, &format!("/api/v1/audit-logs/{}/{id}", r.entity_type))
            .send()
            .await
            .expect("history"),
    )
    .await;
    let actions: Vec<&str> = history["data"]
        .as_array()
        .expect("history data")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(actions, [r.created], "{path}: the create's audit row");
    let events = app.services.events_of(id.parse().expect("uuid")).await.expect("events");
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        Vec::from_iter(r.created_event),
        "{path}: the create's outbox event"
    );

    // 422 naming the field.
    let (invalid, field) = r.invalid;
    let res = send(&app, Method::POST, path, Some(&admin), Some(invalid()))
        .send()
        .await
        .expect("invalid");
    assert_eq!(res.status(), 422, "{path} invalid body");
    let problem = json_of(res).await;
    assert!(
        problem["errors"].get(field).is_some(),
        "{path}: the 422 names {field}: {problem}"
    );

    // The list's shape.
    let page = json_of(app.admin(Method::GET, path).send().await.expect("list")).await;
    assert!(page["data"].is_array(), "{path}: {page}");
    for key in ["page", "per_page", "total"] {
        assert!(page["meta"][key].is_u64(), "{path}: meta.{key} in {page}");
    }
    assert_eq!(page["meta"]["page"], 1);

    // Another tenant: 404 for the object, and neither list shows the other's rows.
    app.services
        .create_tenant(firelater_service::tenants::NewTenant {
            name: "Other".into(),
            slug: "other".into(),
            admin_email: "admin@other.example".into(),
            admin_name: "Other Admin".into(),
            admin_password: PASSWORD.into(),
        })
        .await
        .expect("tenant B");
    let other = app.login("other", "admin@other.example", PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let item = format!("{path}/{id}");
    assert_eq!(
        status(&app, r.item_method.clone(), &item, Some(&other), None).await,
        404,
        "{item} as another tenant's administrator"
    );
    let (their_path, their_refs) = collection_for(&app, &r, &other).await;
    let theirs = create(&app, &r, &their_path, &their_refs, &other).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let our_ids = list_ids(&app, path, &admin).await;
    assert!(our_ids.contains(&id), "{path}: our own object is listed");
    assert!(
        !our_ids.contains(&theirs),
        "{path}: the other tenant's object is not listed"
    );
    assert!(
        !list_ids(&app, &their_path, &other).await.contains(&id),
        "{path}: ours is not in theirs"
    );

    // 409 on a stale version.
    if let Some(update) = &r.update {
        let version = created["version"].as_i64().expect("version");
        let mut body = (update.body)();
        body["version"] = json!(version);
        assert_eq!(
            status(&app, Method::PUT, &item, Some(&admin), Some(body.clone())).await,
            200,
            "{item} update"
        );
        assert_eq!(
            status(&app, Method::PUT, &item, Some(&admin), Some(body)).await,
            409,
            "{item} update with a stale version"
        );
        let events = app.services.events_of(id.parse().expect("uuid")).await.expect("events");
        let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        let expected: Vec<&str> = r.created_event.into_iter().chain(update.event).collect();
        assert_eq!(types, expected, "{item}: one event per change");
    }
    app.stop().await;
}

#[tokio::test]
async fn users_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/users",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"email": format!("made-{n}@example.com"), "name": "Made"}),
        invalid: (|| json!({"email": "not an email", "name": "Bad"}), "email"),
        entity_type: "user",
        created: "user.created",
        created_event: Some("user.created"),
        update: Some(Update {
            body: || json!({"name": "Renamed"}),
            event: Some("user.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn groups_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/groups",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("Group {n}")}),
        invalid: (|| json!({"name": "Bad", "type": "gang"}), "type"),
        entity_type: "group",
        created: "group.created",
        created_event: Some("group.created"),
        update: Some(Update {
            body: || json!({"description": "changed"}),
            event: Some("group.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn api_keys_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/api-keys",
        // A key cannot be read alone; revoking another tenant's is the probe.
        parent: None,
        item_method: Method::DELETE,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("key-{n}"), "permissions": ["users:read"]}),
        invalid: (|| json!({"name": "bad", "permissions": ["users:fly"]}), "permissions"),
        entity_type: "api_key",
        created: "api_key.created",
        created_event: Some("api_key.created"),
        update: None,
    })
    .await;
}

#[tokio::test]
async fn roles_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/roles",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("made-{n}"), "display_name": "Made", "permissions": ["users:read"]}),
        invalid: (|| json!({"name": "Not A Name!", "display_name": "Bad"}), "name"),
        entity_type: "role",
        created: "role.created",
        created_event: Some("role.created"),
        update: Some(Update {
            body: || json!({"display_name": "Renamed"}),
            event: Some("role.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn applications_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/applications",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("App {n}"), "tier": "P2"}),
        invalid: (|| json!({"name": "Bad", "tier": "P9"}), "tier"),
        entity_type: "application",
        created: "application.created",
        created_event: Some("application.created"),
        update: Some(Update {
            body: || json!({"description": "changed"}),
            event: Some("application.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn environments_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/applications/{parent}/environments",
        parent: Some(Parent {
            collection: "/api/v1/applications",
            create: |n| json!({"name": format!("Host {n}"), "tier": "P3"}),
        }),
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("env-{n}"), "type": "prod", "url": "https://app.example.com"}),
        invalid: (
            || json!({"name": "bad", "type": "prod", "url": "ftp://example.com"}),
            "url",
        ),
        entity_type: "environment",
        created: "environment.created",
        created_event: Some("environment.created"),
        update: Some(Update {
            body: || json!({"cloud_region": "eu-west-1"}),
            event: Some("environment.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn services_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/services",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("Service {n}"), "type": "business", "cost_people": 10.5}),
        invalid: (
            || json!({"name": "Bad", "type": "business", "cost_people": 1.234}),
            "cost_people",
        ),
        entity_type: "service",
        created: "service.created",
        created_event: Some("service.created"),
        update: Some(Update {
            body: || json!({"description": "changed"}),
            event: Some("service.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn ci_classes_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/cmdb/classes",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("class_{n}"), "label": "Class"}),
        invalid: (|| json!({"name": "Not A Slug", "label": "Bad"}), "name"),
        entity_type: "ci_class",
        created: "ci_class.created",
        created_event: Some("ci_class.created"),
        update: Some(Update {
            body: || json!({"label": "Changed"}),
            event: Some("ci_class.updated"),
        }),
    })
    .await;
}

#[tokio::test]
async fn configuration_items_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/cmdb/cis",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[],
        create: |n, _| json!({"name": format!("ci-{n}"), "ci_class": "server", "environment": "production"}),
        invalid: (
            || json!({"name": "bad", "ci_class": "server", "environment": "production", "attributes": {"cpu_cores": 0}}),
            "attributes.cpu_cores",
        ),
        entity_type: "ci",
        created: "ci.created",
        created_event: Some("ci.created"),
        update: Some(Update {
            body: || json!({"status": "maintenance"}),
            event: Some("ci.updated"),
        }),
    })
    .await;
}

const RELATIONSHIP_TYPES: [&str; 7] = [
    "runs_on",
    "depends_on",
    "connects_to",
    "manages",
    "part_of",
    "backed_up_by",
    "replicates_to",
];

#[tokio::test]
async fn ci_relationships_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/cmdb/relationships",
        parent: None,
        item_method: Method::GET,
        role_without_permission: "requester",
        refers_to: &[
            ("/api/v1/cmdb/cis", |n| {
                json!({"name": format!("source-{n}"), "ci_class": "server", "environment": "test"})
            }),
            ("/api/v1/cmdb/cis", |n| {
                json!({"name": format!("target-{n}"), "ci_class": "database", "environment": "test"})
            }),
        ],
        // A type per call, so a second create between the same two CIs is no duplicate.
        create: |n, ids| {
            json!({"source_ci_id": ids[0], "target_ci_id": ids[1],
                "relationship_type": RELATIONSHIP_TYPES[n as usize % RELATIONSHIP_TYPES.len()]})
        },
        invalid: (
            || json!({"source_ci_id": uuid::Uuid::nil(), "target_ci_id": uuid::Uuid::nil(), "relationship_type": "likes"}),
            "relationship_type",
        ),
        entity_type: "ci_relationship",
        created: "ci_relationship.created",
        created_event: Some("ci_relationship.created"),
        update: None,
    })
    .await;
}

#[tokio::test]
async fn service_relationships_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/services/{parent}/relationships",
        parent: Some(Parent {
            collection: "/api/v1/services",
            create: |n| json!({"name": format!("Source service {n}"), "type": "business"}),
        }),
        item_method: Method::DELETE,
        role_without_permission: "requester",
        refers_to: &[(
            "/api/v1/services",
            |n| json!({"name": format!("Target service {n}"), "type": "technical"}),
        )],
        create: |n, ids| {
            let types = [
                "depends_on",
                "provides_data_to",
                "consumes_data_from",
                "integrates_with",
            ];
            json!({"target_service_id": ids[0], "relationship_type": types[n as usize % types.len()]})
        },
        invalid: (
            || json!({"target_service_id": uuid::Uuid::nil(), "relationship_type": "likes"}),
            "relationship_type",
        ),
        entity_type: "service_relationship",
        created: "service_relationship.created",
        created_event: Some("service_relationship.created"),
        update: None,
    })
    .await;
}

#[tokio::test]
async fn service_stakeholders_keep_the_resource_contract() {
    contract(Resource {
        collection: "/api/v1/services/{parent}/stakeholders",
        parent: Some(Parent {
            collection: "/api/v1/services",
            create: |n| json!({"name": format!("Staffed service {n}"), "type": "business"}),
        }),
        item_method: Method::DELETE,
        role_without_permission: "requester",
        refers_to: &[(
            "/api/v1/users",
            |n| json!({"email": format!("stakeholder-{n}@example.com"), "name": "Stakeholder"}),
        )],
        create: |n, ids| {
            let roles = ["owner", "manager", "stakeholder", "contributor"];
            json!({"user_id": ids[0], "role": roles[n as usize % roles.len()]})
        },
        invalid: (|| json!({"user_id": uuid::Uuid::nil(), "role": "boss"}), "role"),
        entity_type: "service_stakeholder",
        created: "service_stakeholder.added",
        created_event: Some("service_stakeholder.added"),
        update: None,
    })
    .await;
}
