//! The API conventions every endpoint shares: problem documents, bad input that writes
//! nothing, lists, idempotency, optimistic locking, request ids, limits, CORS and timeouts.

use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn total_users(app: &TestApp) -> u64 {
    let v: Value = app
        .admin(Method::GET, "/api/v1/users")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    v["meta"]["total"].as_u64().expect("total")
}

async fn problem(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let request_id = res.headers()["x-request-id"].to_str().expect("id").to_owned();
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["status"], status);
    assert_eq!(
        body["request_id"],
        request_id.as_str(),
        "the problem quotes the request id"
    );
    assert!(body["type"].as_str().is_some() && body["title"].as_str().is_some());
    body
}

#[tokio::test]
async fn bad_input_is_a_4xx_problem_naming_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let before = total_users(&app).await;
    let post = |body: &'static str, ct: &'static str| {
        app.admin(Method::POST, "/api/v1/users")
            .header("content-type", ct)
            .body(body)
            .send()
    };

    let p = problem(post("{not json", "application/json").await.expect("send"), 400).await;
    assert_eq!(p["code"], "malformed_json");
    let p = problem(
        post(r#"{"email":"a@example.com","name":"A"}"#, "text/plain")
            .await
            .expect("send"),
        415,
    )
    .await;
    assert_eq!(p["code"], "unsupported_media_type");
    let p = problem(
        post(
            r#"{"email":"a@example.com","name":"A","is_admin":true}"#,
            "application/json",
        )
        .await
        .expect("send"),
        422,
    )
    .await;
    assert!(p["errors"]["is_admin"].is_array(), "{p}");
    let p = problem(
        post(r#"{"email":"a@example.com"}"#, "application/json")
            .await
            .expect("send"),
        422,
    )
    .await;
    assert!(p["errors"]["name"].is_array(), "{p}");
    let p = problem(
        post(
            r#"{"email":"not-an-email","name":"A","timezone":"Mars/Base"}"#,
            "application/json",
        )
        .await
        .expect("send"),
        422,
    )
    .await;
    assert!(
        p["errors"]["email"].is_array() && p["errors"]["timezone"].is_array(),
        "{p}"
    );
    let p = problem(
        post(
            r#"{"email":"a@example.com","name":"A","roles":["overlord"]}"#,
            "application/json",
        )
        .await
        .expect("send"),
        422,
    )
    .await;
    assert!(p["errors"]["roles"].is_array(), "{p}");
    let p = problem(post(r#"[1,2]"#, "application/json").await.expect("send"), 422).await;
    assert_eq!(p["code"], "validation_failed");

    assert_eq!(total_users(&app).await, before, "nothing was written");
    app.stop().await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::builder().config(|c| c.body_limit = 4096).spawn().await;
    let big = json!({"email": "a@example.com", "name": "x".repeat(10_000)});
    let p = problem(
        app.admin(Method::POST, "/api/v1/users")
            .json(&big)
            .send()
            .await
            .expect("send"),
        413,
    )
    .await;
    assert_eq!(p["code"], "payload_too_large");
    app.stop().await;
}

#[tokio::test]
async fn lists_page_sort_filter_search_select_fields_and_include() {
    let app = TestApp::spawn().await;
    for i in 0..7 {
        app.create_user(&format!("user{i}@example.com"), None, &["agent"]).await;
    }
    let get = |q: &str| app.admin(Method::GET, &format!("/api/v1/users?{q}")).send();
    let v: Value = get("page=2&per_page=3&sort=email&order=asc")
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(
        v["meta"],
        json!({"page": 2, "per_page": 3, "total": 8, "total_pages": 3})
    );
    let emails: Vec<&str> = v["data"]
        .as_array()
        .expect("a")
        .iter()
        .map(|u| u["email"].as_str().expect("e"))
        .collect();
    assert_eq!(
        emails,
        vec!["user2@example.com", "user3@example.com", "user4@example.com"],
        "admin@, user0@, user1@ fill page 1"
    );

    let v: Value = get("status=pending").await.expect("list").json().await.expect("json");
    assert_eq!(v["meta"]["total"], 7, "users created without a password are pending");
    let v: Value = get("q=USER3").await.expect("list").json().await.expect("json");
    assert_eq!(v["meta"]["total"], 1, "search is case-insensitive");

    let v: Value = get("fields=email&per_page=1")
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let keys: Vec<&String> = v["data"][0].as_object().expect("o").keys().collect();
    assert_eq!(keys, vec!["email", "id"]);

    let v: Value = get("include=roles&email=user0@example.com")
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(v["data"][0]["roles"][0]["name"], "agent");
    let v: Value = get("").await.expect("list").json().await.expect("json");
    assert!(v["data"][0].get("roles").is_none(), "roles only when included");

    for bad in [
        "per_page=101",
        "per_page=-1",
        "per_page=0",
        "page=0",
        "sort=password_hash",
        "order=sideways",
        "status=deleted",
        "include=secrets",
        "fields=password_hash",
        "bogus=1",
    ] {
        let p = problem(get(bad).await.expect("list"), 400).await;
        assert_eq!(p["code"], "invalid_query", "{bad}");
        let field = bad.split('=').next().expect("k");
        assert!(p["errors"][field].is_array(), "{bad}: {p}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_idempotency_key_makes_a_retried_create_return_the_first_result() {
    let app = TestApp::spawn().await;
    let body = json!({"email": "once@example.com", "name": "Once"});
    let send = |b: Value| {
        app.admin(Method::POST, "/api/v1/users")
            .header("idempotency-key", "create-once-1")
            .json(&b)
            .send()
    };
    let first = send(body.clone()).await.expect("first");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let again = send(body.clone()).await.expect("again");
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.expect("json"), first);
    let other = send(json!({"email": "twice@example.com", "name": "Twice"}))
        .await
        .expect("other");
    let p = problem(other, 422).await;
    assert_eq!(p["code"], "idempotency_key_reused");
    let v: Value = app
        .admin(Method::GET, "/api/v1/users?q=once")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(v["meta"]["total"], 1, "one user, not two");
    app.stop().await;
}

#[tokio::test]
async fn an_update_with_a_stale_version_is_409() {
    let app = TestApp::spawn().await;
    let u = app.create_user("ver@example.com", None, &[]).await;
    let path = format!("/api/v1/users/{}", u["id"].as_str().expect("id"));
    let res = app
        .admin(Method::PUT, &path)
        .json(&json!({"version": 1, "name": "Second"}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.expect("json");
    assert_eq!(updated["version"], 2);
    let p = problem(
        app.admin(Method::PUT, &path)
            .json(&json!({"version": 1, "name": "Stale"}))
            .send()
            .await
            .expect("put"),
        409,
    )
    .await;
    assert_eq!(p["code"], "version_conflict");
    let now: Value = app
        .admin(Method::GET, &path)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(now["name"], "Second", "the stale write changed nothing");
    app.stop().await;
}

#[tokio::test]
async fn a_user_change_is_audited_with_old_and_new_values_and_emits_its_event() {
    let app = TestApp::spawn().await;
    let u = app.create_user("audit@example.com", None, &[]).await;
    let id: uuid::Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    app.admin(Method::PUT, &format!("/api/v1/users/{id}"))
        .json(&json!({"version": 1, "timezone": "Europe/Berlin"}))
        .send()
        .await
        .expect("put");
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
    let entries = firelater_db::repo::audit::for_entity(&tx, "user", id)
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["user.created", "user.updated"]);
    assert_eq!(
        entries[1].changes,
        Some(json!({"timezone": {"old": "UTC", "new": "Europe/Berlin"}}))
    );
    assert!(entries[1].actor_id.is_some() && entries[1].request_id.is_some() && entries[1].ip.is_some());
    let events = app.services.events_of(id).await.expect("events");
    let names: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(names, vec!["user.created", "user.updated"]);
    app.stop().await;
}

#[tokio::test]
async fn a_requester_may_not_create_users() {
    let app = TestApp::spawn().await;
    app.create_user("req@example.com", Some("requester password"), &["requester"])
        .await;
    let token = app.login("default", "req@example.com", "requester password").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let res = app
        .request(Method::POST, "/api/v1/users")
        .bearer_auth(&token)
        .json(&json!({"email": "x@example.com", "name": "X"}))
        .send()
        .await
        .expect("post");
    let p = problem(res, 403).await;
    assert_eq!(p["code"], "forbidden");
    app.stop().await;
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_unknown_routes_are_problems() {
    let app = TestApp::spawn().await;
    let res = app.request(Method::GET, "/healthz").send().await.expect("get");
    assert!(res.headers().get("x-request-id").is_some());
    let res = app
        .request(Method::GET, "/healthz")
        .header("x-request-id", "client-chosen-1")
        .send()
        .await
        .expect("get");
    assert_eq!(
        res.headers()["x-request-id"],
        "client-chosen-1",
        "a client's id is kept"
    );
    let p = problem(
        app.request(Method::GET, "/api/v1/nothing-here")
            .send()
            .await
            .expect("get"),
        404,
    )
    .await;
    assert_eq!(p["code"], "route_not_found");
    let p = problem(
        app.admin(Method::GET, "/api/v1/users/not-a-uuid")
            .send()
            .await
            .expect("get"),
        400,
    )
    .await;
    assert!(p["errors"]["id"].is_array());
    app.stop().await;
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::builder()
        .config(|c| c.cors_origins = vec!["https://app.example.com".into()])
        .spawn()
        .await;
    let res = app
        .request(Method::GET, "/healthz")
        .header("origin", "https://app.example.com")
        .send()
        .await
        .expect("get");
    assert_eq!(res.headers()["access-control-allow-origin"], "https://app.example.com");
    let res = app
        .request(Method::GET, "/healthz")
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .expect("get");
    assert!(res.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}

#[tokio::test]
async fn a_request_over_the_timeout_is_a_503_problem_and_its_work_is_abandoned() {
    // The login cannot finish: the test holds the only password-hashing slot (with a queue
    // deadline no test reaches) until the answer is in, so the request timeout is the only
    // way the request can end; no clock is raced.
    let app = TestApp::builder()
        .config(|c| {
            c.request_timeout = std::time::Duration::from_millis(200);
            c.hash_limits = firelater_service::password::HashLimits {
                concurrency: 1,
                max_waiters: 1,
                queue_timeout: std::time::Duration::from_secs(3600),
            };
        })
        .without_login()
        .spawn()
        .await;
    let held = app
        .services
        .hasher
        .acquire()
        .await
        .expect("the test takes the only slot");
    let res = app
        .try_login(
            "default",
            firelater_testkit::ADMIN_EMAIL,
            firelater_testkit::ADMIN_PASSWORD,
        )
        .await;
    let p = problem(res, 503).await;
    assert_eq!(p["code"], "timeout");
    assert_eq!(
        app.services.hasher.waiting(),
        0,
        "the timed-out request gave its place in the hashing queue back"
    );
    drop(held);
    app.stop().await;
}

/// A value the documented schema of a query parameter allows, as a client would send it.
/// The schema a `$ref` points at in the document's components, else the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

fn example_value(schema: &Value) -> String {
    if let Some(first) = schema["enum"].get(0) {
        return first.as_str().expect("string enum").to_owned();
    }
    match (
        schema["type"].as_str(),
        schema["format"].as_str(),
        schema["pattern"].as_str(),
    ) {
        (Some("integer"), _, _) => "1".into(),
        (Some("boolean"), _, _) => "true".into(),
        (_, Some("uuid"), _) => uuid::Uuid::nil().to_string(),
        (_, Some("date-time"), _) => "2026-01-01T00:00:00Z".into(),
        (_, _, Some(pattern)) => pattern
            .trim_start_matches("^(")
            .split(['|', ')'])
            .next()
            .expect("first alternative")
            .to_owned(),
        _ => "x".into(),
    }
}

/// What a 422 says a parameter must be: the list after "one of: ".
fn allowed_by_problem(p: &Value, param: &str) -> Vec<String> {
    let message = p["errors"][param][0].as_str().expect("message");
    let list = message.rsplit("one of: ").next().expect("a list");
    list.split(", ").map(str::to_owned).collect()
}

#[tokio::test]
async fn every_documented_query_parameter_is_accepted_and_the_documented_choices_are_the_accepted_ones() {
    const PLATFORM: &str = "platform-operator-token-for-the-list-test-0123456789";
    let app = TestApp::builder()
        .config(|c| c.platform_admin_token = Some(PLATFORM.into()))
        .spawn()
        .await;
    let me: Value = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let my_id = me["user"]["id"]
        .as_str()
        .or_else(|| me["id"].as_str())
        .expect("my id")
        .to_owned();
    let group: Value = app
        .admin(Method::POST, "/api/v1/groups")
        .json(&json!({"name": "Listed"}))
        .send()
        .await
        .expect("group")
        .json()
        .await
        .expect("json");
    let group_id = group["id"].as_str().expect("group id").to_owned();
    let application: Value = app
        .admin(Method::POST, "/api/v1/applications")
        .json(&json!({"name": "Listed", "tier": "P3"}))
        .send()
        .await
        .expect("application")
        .json()
        .await
        .expect("json");
    let application_id = application["id"].as_str().expect("application id").to_owned();
    let service: Value = app
        .admin(Method::POST, "/api/v1/services")
        .json(&json!({"name": "Listed", "type": "business"}))
        .send()
        .await
        .expect("service")
        .json()
        .await
        .expect("json");
    let service_id = service["id"].as_str().expect("service id").to_owned();
    let ci: Value = app
        .admin(Method::POST, "/api/v1/cmdb/cis")
        .json(&json!({"name": "listed", "ci_class": "server", "environment": "test"}))
        .send()
        .await
        .expect("ci")
        .json()
        .await
        .expect("json");
    let ci_id = ci["id"].as_str().expect("ci id").to_owned();
    let doc: Value = app
        .request(Method::GET, "/api/v1/openapi.json")
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");

    let mut checked = 0;
    for (template, item) in doc["paths"].as_object().expect("paths") {
        let Some(op) = item.get("get") else { continue };
        let query: Vec<&Value> = op["parameters"]
            .as_array()
            .map(|ps| ps.iter().filter(|p| p["in"] == "query").collect())
            .unwrap_or_default();
        if query.is_empty() {
            continue;
        }
        let id = if template.starts_with("/api/v1/groups/") {
            &group_id
        } else if template.starts_with("/api/v1/applications/") {
            &application_id
        } else if template.starts_with("/api/v1/services/") {
            &service_id
        } else if template.starts_with("/api/v1/cmdb/cis/") {
            &ci_id
        } else {
            &my_id
        };
        let path = template.replace("{entityType}", "user").replace("{id}", id);
        let call = |q: String| {
            let req = app.request(Method::GET, &format!("{path}?{q}"));
            if template.starts_with("/api/v1/platform/") {
                req.bearer_auth(PLATFORM)
            } else {
                req.bearer_auth(&app.admin_token)
            }
        };
        for p in &query {
            // A documented family of parameters (`attr.<key>`) is tried with one key.
            let name = &p["name"].as_str().expect("name").replace("<key>", "os");
            let value = example_value(resolve(&doc, &p["schema"]));
            let res = call(format!("{name}={value}")).send().await.expect("send");
            assert_eq!(
                res.status(),
                200,
                "GET {template}?{name}={value} is documented but refused"
            );
            if name == "sort" {
                let res = call(format!("{name}=not_a_column")).send().await.expect("send");
                let documented: Vec<String> = serde_json::from_value(p["schema"]["enum"].clone()).expect("enum");
                let refused = problem(res, 400).await;
                assert_eq!(
                    allowed_by_problem(&refused, name),
                    documented,
                    "GET {template}: the documented {name} choices are the accepted ones"
                );
            }
        }
        let res = call("not_a_parameter=1".into()).send().await.expect("send");
        let refused = problem(res, 400).await;
        assert!(
            refused["errors"].get("not_a_parameter").is_some(),
            "GET {template} names an undocumented parameter: {refused}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} operations take query parameters");
    app.stop().await;
}
