//! Groups and team hierarchies over HTTP: CRUD with its audit trail, the no-cycle rule,
//! members and leads, recursive membership, permissions granted through a group's roles,
//! tenant isolation and authorization.

use firelater_core::ids::TenantId;
use firelater_service::Ctx;
use firelater_service::tenants::NewTenant;
use firelater_testkit::TestApp;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

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

async fn send(app: &TestApp, method: Method, path: &str, json_body: Option<Value>, status: u16) -> Value {
    let mut req = app.admin(method, path);
    if let Some(b) = json_body {
        req = req.json(&b);
    }
    body(req.send().await.expect("request"), status).await
}

async fn create_group(app: &TestApp, b: Value) -> Value {
    send(app, Method::POST, "/api/v1/groups", Some(b), 201).await
}

fn id_of(v: &Value) -> Uuid {
    v["id"].as_str().expect("id").parse().expect("uuid")
}

async fn default_tenant(app: &TestApp) -> TenantId {
    let t = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("query")
        .expect("tenant");
    TenantId(t.id.into())
}

async fn audit_actions(app: &TestApp, id: Uuid) -> Vec<(String, Option<Value>)> {
    let tx = app
        .services
        .db
        .tenant_read(default_tenant(app).await)
        .await
        .expect("tx");
    let entries = firelater_db::repo::audit::for_entity(&tx, "group", id)
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
    entries.into_iter().map(|e| (e.action, e.changes)).collect()
}

async fn token_of(app: &TestApp, email: &str, password: &str) -> String {
    app.login("default", email, password).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn group_create_list_get_update_delete_is_audited_with_field_diffs_and_events() {
    let app = TestApp::spawn().await;
    let manager = app.create_user("boss@example.com", None, &["manager"]).await;
    let g = create_group(
        &app,
        json!({"name": "Service Desk", "type": "team", "email": "Desk@Example.com",
               "manager_id": manager["id"], "settings": {"queue": "first-line"}}),
    )
    .await;
    let id = id_of(&g);
    assert_eq!(g["type"], "team");
    assert_eq!(g["email"], "desk@example.com", "the email is normalised");
    assert_eq!(g["manager_id"], manager["id"]);
    assert_eq!(g["settings"], json!({"queue": "first-line"}));
    assert_eq!(g["version"], 1);
    create_group(&app, json!({"name": "Finance", "type": "department"})).await;

    let list = send(&app, Method::GET, "/api/v1/groups?type=team&q=desk", None, 200).await;
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["data"][0]["name"], "Service Desk");
    let list = send(&app, Method::GET, "/api/v1/groups?sort=name&order=desc", None, 200).await;
    let names: Vec<&str> = list["data"]
        .as_array()
        .expect("a")
        .iter()
        .map(|g| g["name"].as_str().expect("n"))
        .collect();
    assert_eq!(names, vec!["Service Desk", "Finance"]);
    let p = send(&app, Method::GET, "/api/v1/groups?type=guild", None, 400).await;
    assert!(p["errors"]["type"].is_array(), "{p}");

    let got = send(&app, Method::GET, &format!("/api/v1/groups/{id}"), None, 200).await;
    assert_eq!(got["name"], "Service Desk");
    assert!(got.get("members").is_none(), "members only when included");

    let dup = send(
        &app,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"name": "Service Desk"})),
        409,
    )
    .await;
    assert!(dup["errors"]["name"].is_array(), "{dup}");

    let updated = send(
        &app,
        Method::PUT,
        &format!("/api/v1/groups/{id}"),
        Some(json!({"version": 1, "name": "Service Desk EU", "type": "department", "email": null})),
        200,
    )
    .await;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["email"], Value::Null);
    let stale = send(
        &app,
        Method::PUT,
        &format!("/api/v1/groups/{id}"),
        Some(json!({"version": 1, "name": "Stale"})),
        409,
    )
    .await;
    assert_eq!(stale["code"], "version_conflict");

    send(&app, Method::DELETE, &format!("/api/v1/groups/{id}"), None, 204).await;
    send(&app, Method::GET, &format!("/api/v1/groups/{id}"), None, 404).await;
    send(&app, Method::DELETE, &format!("/api/v1/groups/{id}"), None, 404).await;

    let audit = audit_actions(&app, id).await;
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, vec!["group.created", "group.updated", "group.deleted"]);
    let created = audit[0].1.as_ref().expect("changes");
    assert_eq!(created["name"], json!({"old": null, "new": "Service Desk"}));
    assert_eq!(
        audit[1].1,
        Some(json!({
            "name": {"old": "Service Desk", "new": "Service Desk EU"},
            "type": {"old": "team", "new": "department"},
            "email": {"old": "desk@example.com", "new": null},
        }))
    );
    assert_eq!(audit[2].1.as_ref().expect("changes")["name"]["old"], "Service Desk EU");
    let events = app.services.events_of(id).await.expect("events");
    let names: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(names, vec!["group.created", "group.updated", "group.deleted"]);
    app.stop().await;
}

#[tokio::test]
async fn a_parent_that_would_make_a_cycle_or_does_not_exist_is_422_naming_parent_id_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let a = create_group(&app, json!({"name": "IT", "type": "department"})).await;
    let b = create_group(&app, json!({"name": "Infrastructure", "parent_id": a["id"]})).await;
    let c = create_group(&app, json!({"name": "Network", "parent_id": b["id"]})).await;
    assert_eq!(c["parent_id"], b["id"]);
    let a_path = format!("/api/v1/groups/{}", a["id"].as_str().expect("id"));

    for parent in [&c["id"], &b["id"], &a["id"]] {
        let p = send(
            &app,
            Method::PUT,
            &a_path,
            Some(json!({"version": 1, "parent_id": parent, "name": "IT renamed"})),
            422,
        )
        .await;
        assert_eq!(p["code"], "validation_failed");
        assert!(p["errors"]["parent_id"].is_array(), "{p}");
    }
    let missing = Uuid::now_v7();
    let p = send(
        &app,
        Method::PUT,
        &a_path,
        Some(json!({"version": 1, "parent_id": missing})),
        422,
    )
    .await;
    assert!(p["errors"]["parent_id"].is_array(), "{p}");
    let p = send(
        &app,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"name": "Orphan", "parent_id": missing})),
        422,
    )
    .await;
    assert!(p["errors"]["parent_id"].is_array(), "{p}");

    let now = send(&app, Method::GET, &a_path, None, 200).await;
    assert_eq!((now["version"].clone(), now["name"].clone()), (json!(1), json!("IT")));
    assert_eq!(now["parent_id"], Value::Null, "the refused parent was not written");

    // Moving a leaf under a sibling branch is fine.
    let d = create_group(&app, json!({"name": "Support", "parent_id": a["id"]})).await;
    let moved = send(
        &app,
        Method::PUT,
        &format!("/api/v1/groups/{}", c["id"].as_str().expect("id")),
        Some(json!({"version": 1, "parent_id": d["id"]})),
        200,
    )
    .await;
    assert_eq!(moved["parent_id"], d["id"]);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_manager_or_an_invalid_field_is_422_naming_it_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let p = send(
        &app,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"name": "Ghosts", "manager_id": Uuid::now_v7()})),
        422,
    )
    .await;
    assert!(p["errors"]["manager_id"].is_array(), "{p}");
    for (bad, field) in [
        (json!({"name": "Bad", "type": "guild"}), "type"),
        (json!({"name": "Bad", "settings": [1]}), "settings"),
        (json!({"name": "Bad", "email": "not-an-email"}), "email"),
        (json!({"name": "  "}), "name"),
        (json!({"name": "Bad", "description": "x".repeat(4001)}), "description"),
    ] {
        let p = send(&app, Method::POST, "/api/v1/groups", Some(bad), 422).await;
        assert!(p["errors"][field].is_array(), "{field}: {p}");
    }
    let list = send(&app, Method::GET, "/api/v1/groups", None, 200).await;
    assert_eq!(list["meta"]["total"], 0, "nothing was written");
    app.stop().await;
}

#[tokio::test]
async fn members_are_added_as_member_or_lead_listed_and_removed() {
    let app = TestApp::spawn().await;
    let ada = app
        .create_user("ada@example.com", Some("ada password 1234"), &["requester"])
        .await;
    let bob = app.create_user("bob@example.com", None, &["agent"]).await;
    let g = create_group(&app, json!({"name": "Desk"})).await;
    let members = format!("/api/v1/groups/{}/members", g["id"].as_str().expect("id"));

    let m = send(&app, Method::POST, &members, Some(json!({"user_id": ada["id"]})), 201).await;
    assert_eq!(
        (m["role"].clone(), m["email"].clone()),
        (json!("member"), json!("ada@example.com"))
    );
    send(
        &app,
        Method::POST,
        &members,
        Some(json!({"user_id": bob["id"], "role": "lead"})),
        201,
    )
    .await;
    let again = send(&app, Method::POST, &members, Some(json!({"user_id": ada["id"]})), 409).await;
    assert!(again["errors"]["user_id"].is_array(), "{again}");
    let nobody = send(
        &app,
        Method::POST,
        &members,
        Some(json!({"user_id": Uuid::now_v7()})),
        422,
    )
    .await;
    assert!(nobody["errors"]["user_id"].is_array(), "{nobody}");
    let bad_role = send(
        &app,
        Method::POST,
        &members,
        Some(json!({"user_id": bob["id"], "role": "owner"})),
        422,
    )
    .await;
    assert!(bad_role["errors"]["role"].is_array(), "{bad_role}");

    let list = send(&app, Method::GET, &members, None, 200).await;
    assert_eq!(list["meta"]["total"], 2);
    let leads = send(&app, Method::GET, &format!("{members}?role=lead"), None, 200).await;
    assert_eq!(leads["meta"]["total"], 1);
    assert_eq!(leads["data"][0]["user_id"], bob["id"]);
    let with = send(&app, Method::GET, "/api/v1/groups?include=members", None, 200).await;
    assert_eq!(with["data"][0]["members"].as_array().expect("members").len(), 2);

    // A user sees their own groups; someone else's need users:read.
    let ada_token = token_of(&app, "ada@example.com", "ada password 1234").await;
    let mine = body(
        app.request(
            Method::GET,
            &format!("/api/v1/users/{}/groups", ada["id"].as_str().expect("id")),
        )
        .bearer_auth(&ada_token)
        .send()
        .await
        .expect("get"),
        200,
    )
    .await;
    assert_eq!(mine["meta"]["total"], 1);
    assert_eq!(
        (mine["data"][0]["name"].clone(), mine["data"][0]["role"].clone()),
        (json!("Desk"), json!("member"))
    );
    let res = app
        .request(
            Method::GET,
            &format!("/api/v1/users/{}/groups", bob["id"].as_str().expect("id")),
        )
        .bearer_auth(&ada_token)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 403);
    let bobs = send(
        &app,
        Method::GET,
        &format!("/api/v1/users/{}/groups", bob["id"].as_str().expect("id")),
        None,
        200,
    )
    .await;
    assert_eq!(bobs["data"][0]["role"], "lead");

    let ada_path = format!("{members}/{}", ada["id"].as_str().expect("id"));
    send(&app, Method::DELETE, &ada_path, None, 204).await;
    send(&app, Method::DELETE, &ada_path, None, 404).await;
    let p = send(&app, Method::DELETE, &format!("{members}/not-a-uuid"), None, 400).await;
    assert!(p["errors"]["userId"].is_array(), "{p}");
    let list = send(&app, Method::GET, &members, None, 200).await;
    assert_eq!(list["meta"]["total"], 1);

    let audit = audit_actions(&app, id_of(&g)).await;
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "group.created",
            "group.member_added",
            "group.member_added",
            "group.member_removed"
        ]
    );
    assert_eq!(
        audit[3].1,
        Some(json!({"member": {"old": {"user_id": ada["id"], "role": "member"}, "new": null}}))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_members_role_changes_to_lead_and_back_with_its_audit_row_and_event() {
    let app = TestApp::spawn().await;
    let ada = app.create_user("ada@example.com", None, &["agent"]).await;
    let g = create_group(&app, json!({"name": "Desk"})).await;
    let members = format!("/api/v1/groups/{}/members", g["id"].as_str().expect("id"));
    send(&app, Method::POST, &members, Some(json!({"user_id": ada["id"]})), 201).await;
    let ada_path = format!("{members}/{}", ada["id"].as_str().expect("id"));

    let m = send(&app, Method::PUT, &ada_path, Some(json!({"role": "lead"})), 200).await;
    assert_eq!(
        (m["user_id"].clone(), m["email"].clone(), m["role"].clone()),
        (ada["id"].clone(), json!("ada@example.com"), json!("lead"))
    );
    let leads = send(&app, Method::GET, &format!("{members}?role=lead"), None, 200).await;
    assert_eq!(leads["meta"]["total"], 1);
    let back = send(&app, Method::PUT, &ada_path, Some(json!({"role": "member"})), 200).await;
    assert_eq!(back["role"], "member");

    let audit = audit_actions(&app, id_of(&g)).await;
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "group.created",
            "group.member_added",
            "group.member_updated",
            "group.member_updated"
        ]
    );
    assert_eq!(
        audit[2].1,
        Some(json!({"member": {
            "old": {"user_id": ada["id"], "role": "member"},
            "new": {"user_id": ada["id"], "role": "lead"},
        }}))
    );
    let events = app.services.events_of(id_of(&g)).await.expect("events");
    let updated: Vec<&Value> = events
        .iter()
        .filter(|e| e.event_type == "group.member_updated")
        .map(|e| &e.payload)
        .collect();
    assert_eq!(updated.len(), 2);
    assert_eq!(
        (updated[0]["user_id"].clone(), updated[0]["role"].clone()),
        (ada["id"].clone(), json!("lead"))
    );
    app.stop().await;
}

#[tokio::test]
async fn setting_a_members_role_to_the_one_they_have_is_200_and_records_nothing() {
    let app = TestApp::spawn().await;
    let ada = app.create_user("ada@example.com", None, &["agent"]).await;
    let g = create_group(&app, json!({"name": "Desk"})).await;
    let members = format!("/api/v1/groups/{}/members", g["id"].as_str().expect("id"));
    send(
        &app,
        Method::POST,
        &members,
        Some(json!({"user_id": ada["id"], "role": "lead"})),
        201,
    )
    .await;
    let ada_path = format!("{members}/{}", ada["id"].as_str().expect("id"));
    let m = send(&app, Method::PUT, &ada_path, Some(json!({"role": "lead"})), 200).await;
    assert_eq!(m["role"], "lead");
    let audit = audit_actions(&app, id_of(&g)).await;
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, vec!["group.created", "group.member_added"]);
    app.stop().await;
}

#[tokio::test]
async fn changing_the_role_of_a_non_member_is_404_and_a_bad_role_is_422_naming_role() {
    let app = TestApp::spawn().await;
    let ada = app.create_user("ada@example.com", None, &["agent"]).await;
    let bob = app.create_user("bob@example.com", None, &["agent"]).await;
    let g = create_group(&app, json!({"name": "Desk"})).await;
    let members = format!("/api/v1/groups/{}/members", g["id"].as_str().expect("id"));
    send(&app, Method::POST, &members, Some(json!({"user_id": ada["id"]})), 201).await;

    let bob_path = format!("{members}/{}", bob["id"].as_str().expect("id"));
    let p = send(&app, Method::PUT, &bob_path, Some(json!({"role": "lead"})), 404).await;
    assert_eq!(p["code"], "not_found");
    let nobody = format!("{members}/{}", Uuid::now_v7());
    send(&app, Method::PUT, &nobody, Some(json!({"role": "lead"})), 404).await;
    let no_group = format!(
        "/api/v1/groups/{}/members/{}",
        Uuid::now_v7(),
        ada["id"].as_str().expect("id")
    );
    send(&app, Method::PUT, &no_group, Some(json!({"role": "lead"})), 404).await;

    let ada_path = format!("{members}/{}", ada["id"].as_str().expect("id"));
    let bad = send(&app, Method::PUT, &ada_path, Some(json!({"role": "owner"})), 422).await;
    assert!(bad["errors"]["role"].is_array(), "{bad}");
    let missing = send(&app, Method::PUT, &ada_path, Some(json!({})), 422).await;
    assert!(missing["errors"]["role"].is_array(), "{missing}");
    let p = send(
        &app,
        Method::PUT,
        &format!("{members}/not-a-uuid"),
        Some(json!({"role": "lead"})),
        400,
    )
    .await;
    assert!(p["errors"]["userId"].is_array(), "{p}");

    let list = send(&app, Method::GET, &members, None, 200).await;
    assert_eq!(list["data"][0]["role"], "member", "nothing changed");
    let audit = audit_actions(&app, id_of(&g)).await;
    assert_eq!(audit.len(), 2, "created and member_added only: {audit:?}");
    app.stop().await;
}

#[tokio::test]
async fn recursive_members_include_every_sub_group_across_three_levels_once() {
    let app = TestApp::spawn().await;
    let top = create_group(&app, json!({"name": "IT", "type": "department"})).await;
    let mid = create_group(&app, json!({"name": "Ops", "parent_id": top["id"]})).await;
    let leaf = create_group(&app, json!({"name": "Network", "parent_id": mid["id"]})).await;
    let other = create_group(&app, json!({"name": "Finance"})).await;
    let mut users = Vec::new();
    for name in ["u1", "u2", "u3", "u4"] {
        users.push(id_of(&app.create_user(&format!("{name}@example.com"), None, &[]).await));
    }
    for (group, user) in [
        (&top, users[0]),
        (&mid, users[1]),
        (&leaf, users[2]),
        (&leaf, users[0]),
        (&other, users[3]),
    ] {
        send(
            &app,
            Method::POST,
            &format!("/api/v1/groups/{}/members", group["id"].as_str().expect("id")),
            Some(json!({"user_id": user})),
            201,
        )
        .await;
    }
    let ctx = Ctx::system(default_tenant(&app).await);
    let of = |g: &Value| {
        let services = app.services.clone();
        let ctx = ctx.clone();
        let id = id_of(g);
        async move {
            let mut ids: Vec<Uuid> = services
                .group_member_ids_recursive(&ctx, id.into())
                .await
                .expect("members")
                .into_iter()
                .map(|u| u.0)
                .collect();
            ids.sort();
            ids
        }
    };
    let mut expected = vec![users[0], users[1], users[2]];
    expected.sort();
    assert_eq!(of(&top).await, expected, "all three levels, u1 once");
    assert_eq!(
        of(&mid).await,
        expected,
        "Ops and Network: u2, u3 and u1 through Network"
    );
    let mut leaf_expected = vec![users[0], users[2]];
    leaf_expected.sort();
    assert_eq!(of(&leaf).await, leaf_expected);
    assert_eq!(of(&other).await, vec![users[3]]);
    let missing = app
        .services
        .group_member_ids_recursive(&ctx, Uuid::now_v7().into())
        .await
        .expect_err("no such group");
    assert_eq!(missing.code, firelater_core::ErrorCode::NotFound);
    app.stop().await;
}

#[tokio::test]
async fn a_permission_granted_only_through_a_group_role_works_until_the_role_is_revoked() {
    let app = TestApp::spawn().await;
    let req = app
        .create_user("req@example.com", Some("requester password"), &["requester"])
        .await;
    let token = token_of(&app, "req@example.com", "requester password").await;
    let list_groups = || app.request(Method::GET, "/api/v1/groups").bearer_auth(&token).send();
    assert_eq!(
        list_groups().await.expect("get").status(),
        403,
        "a requester cannot read groups"
    );

    let g = create_group(&app, json!({"name": "Agents"})).await;
    let gid = g["id"].as_str().expect("id").to_owned();
    send(
        &app,
        Method::POST,
        &format!("/api/v1/groups/{gid}/members"),
        Some(json!({"user_id": req["id"]})),
        201,
    )
    .await;
    assert_eq!(
        list_groups().await.expect("get").status(),
        403,
        "membership alone grants nothing"
    );
    let roles = send(
        &app,
        Method::PUT,
        &format!("/api/v1/groups/{gid}/roles"),
        Some(json!({"roles": ["agent"]})),
        200,
    )
    .await;
    assert_eq!(roles["roles"][0]["name"], "agent");
    let got = send(
        &app,
        Method::GET,
        &format!("/api/v1/groups/{gid}?include=roles"),
        None,
        200,
    )
    .await;
    assert_eq!(got["roles"][0]["name"], "agent");
    assert_eq!(
        list_groups().await.expect("get").status(),
        200,
        "groups:read through the group's agent role, on the same token"
    );
    let p = send(
        &app,
        Method::PUT,
        &format!("/api/v1/groups/{gid}/roles"),
        Some(json!({"roles": ["agent", "overlord"]})),
        422,
    )
    .await;
    assert!(p["errors"]["roles"].is_array(), "{p}");

    send(
        &app,
        Method::PUT,
        &format!("/api/v1/groups/{gid}/roles"),
        Some(json!({"roles": []})),
        200,
    )
    .await;
    assert_eq!(
        list_groups().await.expect("get").status(),
        403,
        "revoked on the very next request"
    );
    let audit = audit_actions(&app, id_of(&g)).await;
    let changes: Vec<&Value> = audit
        .iter()
        .filter(|(a, _)| a == "group.roles_changed")
        .filter_map(|(_, c)| c.as_ref())
        .collect();
    assert_eq!(
        changes,
        vec![
            &json!({"roles": {"old": [], "new": ["agent"]}}),
            &json!({"roles": {"old": ["agent"], "new": []}})
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn another_tenants_group_is_404_everywhere() {
    let app = TestApp::spawn().await;
    let (t, b_admin) = app
        .services
        .create_tenant(NewTenant {
            name: "Beta".into(),
            slug: "beta".into(),
            admin_email: "admin@beta.example".into(),
            admin_name: "Beta Admin".into(),
            admin_password: "beta password 123".into(),
        })
        .await
        .expect("tenant");
    let b_group = app
        .services
        .create_group(
            &Ctx::system(TenantId(t.id.into())),
            firelater_service::groups::NewGroup {
                name: "Beta Team".into(),
                ..Default::default()
            },
        )
        .await
        .expect("group")
        .group
        .id;
    let mine = create_group(&app, json!({"name": "Alpha Team"})).await;
    let base = format!("/api/v1/groups/{b_group}");
    send(&app, Method::GET, &base, None, 404).await;
    send(
        &app,
        Method::PUT,
        &base,
        Some(json!({"version": 1, "name": "hijacked"})),
        404,
    )
    .await;
    send(&app, Method::GET, &format!("{base}/members"), None, 404).await;
    send(
        &app,
        Method::POST,
        &format!("{base}/members"),
        Some(json!({"user_id": mine["id"]})),
        404,
    )
    .await;
    send(
        &app,
        Method::PUT,
        &format!("{base}/roles"),
        Some(json!({"roles": []})),
        404,
    )
    .await;
    send(
        &app,
        Method::PUT,
        &format!("{base}/members/{}", b_admin.id),
        Some(json!({"role": "lead"})),
        404,
    )
    .await;
    send(
        &app,
        Method::DELETE,
        &format!("{base}/members/{}", b_admin.id),
        None,
        404,
    )
    .await;
    send(&app, Method::DELETE, &base, None, 404).await;
    send(
        &app,
        Method::GET,
        &format!("/api/v1/users/{}/groups", b_admin.id),
        None,
        404,
    )
    .await;
    let p = send(
        &app,
        Method::POST,
        &format!("/api/v1/groups/{}/members", mine["id"].as_str().expect("id")),
        Some(json!({"user_id": b_admin.id})),
        422,
    )
    .await;
    assert!(
        p["errors"]["user_id"].is_array(),
        "another tenant's user is no user here"
    );
    let p = send(
        &app,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"name": "Child", "parent_id": b_group})),
        422,
    )
    .await;
    assert!(
        p["errors"]["parent_id"].is_array(),
        "another tenant's group is no parent here"
    );
    let list = send(&app, Method::GET, "/api/v1/groups", None, 200).await;
    assert_eq!(list["meta"]["total"], 1, "only tenant A's group is listed");
    if app.is_postgres() {
        // Row-level security alone keeps tenant A's group out of a query without a filter.
        use sea_orm::EntityTrait;
        let tx = app.services.db.tenant_read(TenantId(t.id.into())).await.expect("tx");
        let all = firelater_db::entities::group::Entity::find()
            .all(tx.conn())
            .await
            .expect("query");
        tx.commit().await.expect("commit");
        let ids: Vec<Uuid> = all.iter().map(|g| g.id).collect();
        assert_eq!(ids, vec![b_group.0]);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_requester_may_not_create_groups() {
    let app = TestApp::spawn().await;
    app.create_user("req@example.com", Some("requester password"), &["requester"])
        .await;
    let token = token_of(&app, "req@example.com", "requester password").await;
    let p = body(
        app.request(Method::POST, "/api/v1/groups")
            .bearer_auth(&token)
            .json(&json!({"name": "Mine"}))
            .send()
            .await
            .expect("post"),
        403,
    )
    .await;
    assert_eq!(p["code"], "forbidden");
    let list = send(&app, Method::GET, "/api/v1/groups", None, 200).await;
    assert_eq!(list["meta"]["total"], 0);
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_parent_makes_its_sub_groups_top_level_and_audits_the_change() {
    let app = TestApp::spawn().await;
    let top = create_group(&app, json!({"name": "IT"})).await;
    let child = create_group(&app, json!({"name": "Ops", "parent_id": top["id"]})).await;
    send(
        &app,
        Method::DELETE,
        &format!("/api/v1/groups/{}", top["id"].as_str().expect("id")),
        None,
        204,
    )
    .await;
    let now = send(
        &app,
        Method::GET,
        &format!("/api/v1/groups/{}", child["id"].as_str().expect("id")),
        None,
        200,
    )
    .await;
    assert_eq!(now["parent_id"], Value::Null);
    assert_eq!(now["version"], 2);
    let audit = audit_actions(&app, id_of(&child)).await;
    assert_eq!(audit[1].0, "group.updated");
    assert_eq!(audit[1].1, Some(json!({"parent_id": {"old": top["id"], "new": null}})));
    app.stop().await;
}
