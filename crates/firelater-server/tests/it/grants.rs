//! The grant rule end to end: no narrow permission leads to a wider one, no account of equal
//! or higher standing can be taken over, and the tenant always keeps an active administrator.

use firelater_core::ids::TenantId;
use firelater_service::Ctx;
use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use reqwest::{Method, Response};
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough password 1";

/// Creates a custom role as the administrator.
async fn custom_role(app: &TestApp, name: &str, permissions: &[&str]) -> Value {
    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": name, "display_name": name, "permissions": permissions}))
        .send()
        .await
        .expect("role");
    assert_eq!(res.status(), 201, "create role {name}");
    res.json().await.expect("json")
}

/// Creates a user with `roles` and signs them in; returns (id, access token).
async fn signed_in(app: &TestApp, email: &str, roles: &[&str]) -> (String, String) {
    let u = app.create_user(email, Some(PASSWORD), roles).await;
    let token = app.login("default", email, PASSWORD).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    (u["id"].as_str().expect("id").to_owned(), token)
}

/// Creates a group holding `roles` as the administrator; returns its id.
async fn group_with_roles(app: &TestApp, name: &str, roles: &[&str]) -> String {
    let g: Value = app
        .admin(Method::POST, "/api/v1/groups")
        .json(&json!({"name": name}))
        .send()
        .await
        .expect("group")
        .json()
        .await
        .expect("json");
    let id = g["id"].as_str().expect("id").to_owned();
    let res = app
        .admin(Method::PUT, &format!("/api/v1/groups/{id}/roles"))
        .json(&json!({"roles": roles}))
        .send()
        .await
        .expect("roles");
    assert_eq!(res.status(), 200, "group roles");
    id
}

async fn as_user(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> Response {
    let mut req = app.request(method, path).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request")
}

async fn assert_refused(res: Response, code: &str) {
    assert_eq!(res.status(), 403);
    let p: Value = res.json().await.expect("json");
    assert_eq!(p["code"], code, "{p}");
}

async fn my_permissions(app: &TestApp, token: &str) -> Vec<String> {
    let me: Value = as_user(app, token, Method::GET, "/api/v1/auth/me", None)
        .await
        .json()
        .await
        .expect("json");
    let mut p: Vec<String> = me["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("str").to_owned())
        .collect();
    p.sort();
    p
}

async fn admin_id(app: &TestApp) -> String {
    let me: Value = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    me["user"]["id"]
        .as_str()
        .or_else(|| me["id"].as_str())
        .expect("admin id")
        .to_owned()
}

#[tokio::test]
async fn a_manager_cannot_join_a_group_that_holds_more_than_they_do() {
    let app = TestApp::spawn().await;
    let (me, token) = signed_in(&app, "manager@example.com", &["manager"]).await;
    let before = my_permissions(&app, &token).await;
    let admins = group_with_roles(&app, "Admins", &["admin"]).await;
    custom_role(&app, "role-keeper", &["roles:admin", "roles:read"]).await;
    let keepers = group_with_roles(&app, "Keepers", &["role-keeper"]).await;
    let readers = group_with_roles(&app, "Readers", &["agent"]).await;

    let join = |group: String| {
        let path = format!("/api/v1/groups/{group}/members");
        let body = json!({"user_id": me});
        let (app, token) = (&app, &token);
        async move { as_user(app, token, Method::POST, &path, Some(body)).await }
    };
    assert_refused(join(admins).await, "grant_requires_admin").await;
    assert_refused(join(keepers).await, "grant_exceeds_own_permissions").await;
    assert_eq!(
        join(readers).await.status(),
        201,
        "a group holding only what the manager holds is fine"
    );
    assert_eq!(my_permissions(&app, &token).await, before, "nothing gained");
    app.stop().await;
}

#[tokio::test]
async fn users_create_cannot_hand_out_a_role_wider_than_the_creator() {
    let app = TestApp::spawn().await;
    custom_role(&app, "hr", &["users:create", "users:read"]).await;
    custom_role(&app, "role-keeper", &["roles:admin", "roles:read"]).await;
    let (_, token) = signed_in(&app, "hr@example.com", &["hr"]).await;
    let create = |role: &'static str, email: &'static str| {
        as_user(
            &app,
            &token,
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": email, "name": "New", "password": PASSWORD, "roles": [role]})),
        )
    };
    let res = create("role-keeper", "step@example.com").await;
    assert_eq!(res.status(), 403);
    let p: Value = res.json().await.expect("json");
    assert_eq!(p["code"], "grant_exceeds_own_permissions");
    assert!(p["detail"].as_str().expect("detail").contains("roles:admin"), "{p}");
    assert_refused(create("admin", "boss@example.com").await, "grant_requires_admin").await;
    assert_eq!(create("requester", "fine@example.com").await.status(), 201);
    let listed: Value = app
        .admin(Method::GET, "/api/v1/users?email=step@example.com")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["meta"]["total"], 0, "a refused create writes nothing");
    app.stop().await;
}

#[tokio::test]
async fn roles_admin_alone_cannot_grant_admin_or_widen_its_own_role() {
    let app = TestApp::spawn().await;
    let role = custom_role(&app, "role-keeper", &["roles:admin", "roles:read", "users:read"]).await;
    let (me, token) = signed_in(&app, "keeper@example.com", &["role-keeper"]).await;
    let before = my_permissions(&app, &token).await;

    let to_admin = as_user(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/users/{me}/roles"),
        Some(json!({"roles": ["role-keeper", "admin"]})),
    )
    .await;
    assert_refused(to_admin, "grant_requires_admin").await;

    let widen = as_user(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/roles/{}", role["id"].as_str().expect("id")),
        Some(json!({"version": role["version"], "permissions": ["roles:admin", "roles:read", "users:read", "users:admin"]})),
    )
    .await;
    let p: Value = {
        assert_eq!(widen.status(), 403);
        widen.json().await.expect("json")
    };
    assert_eq!(p["code"], "grant_exceeds_own_permissions");
    assert!(p["detail"].as_str().expect("detail").contains("users:admin"), "{p}");

    let wide_role = as_user(
        &app,
        &token,
        Method::POST,
        "/api/v1/roles",
        Some(json!({"name": "wider", "display_name": "Wider", "permissions": ["users:admin"]})),
    )
    .await;
    assert_refused(wide_role, "grant_exceeds_own_permissions").await;

    custom_role(&app, "helpdesk", &["users:admin", "users:read"]).await;
    let to_helpdesk = as_user(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/users/{me}/roles"),
        Some(json!({"roles": ["role-keeper", "helpdesk"]})),
    )
    .await;
    assert_refused(to_helpdesk, "grant_exceeds_own_permissions").await;

    let admins = group_with_roles(&app, "Mine", &[]).await;
    let group_admin = as_user(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/groups/{admins}/roles"),
        Some(json!({"roles": ["admin"]})),
    )
    .await;
    assert_refused(group_admin, "grant_requires_admin").await;

    // Within what they hold, the role keeper works as before.
    let narrower = as_user(
        &app,
        &token,
        Method::POST,
        "/api/v1/roles",
        Some(json!({"name": "reader", "display_name": "Reader", "permissions": ["users:read"]})),
    )
    .await;
    assert_eq!(narrower.status(), 201);
    assert_eq!(my_permissions(&app, &token).await, before, "nothing gained");
    app.stop().await;
}

#[tokio::test]
async fn only_an_admin_takes_the_admin_role_away() {
    let app = TestApp::spawn().await;
    let (other_admin, _) = signed_in(&app, "second@example.com", &["admin"]).await;
    custom_role(&app, "role-keeper", &["roles:admin", "roles:read", "users:read"]).await;
    let (_, token) = signed_in(&app, "keeper@example.com", &["role-keeper"]).await;
    let demote = as_user(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/users/{other_admin}/roles"),
        Some(json!({"roles": ["requester"]})),
    )
    .await;
    assert_refused(demote, "grant_requires_admin").await;
    app.stop().await;
}

#[tokio::test]
async fn users_admin_cannot_take_over_an_account_of_equal_or_higher_standing() {
    let app = TestApp::spawn().await;
    custom_role(&app, "helpdesk", &["users:admin", "users:read", "users:delete"]).await;
    let (_, token) = signed_in(&app, "helpdesk@example.com", &["helpdesk"]).await;
    let (peer, _) = signed_in(&app, "peer@example.com", &["helpdesk"]).await;
    let (lesser, _) = signed_in(&app, "lesser@example.com", &["requester"]).await;
    let unlock = as_user(
        &app,
        &token,
        Method::POST,
        &format!("/api/v1/users/{lesser}/unlock"),
        None,
    )
    .await;
    assert_eq!(unlock.status(), 204, "a lesser account can be unlocked");
    let admin = admin_id(&app).await;

    for target in [&admin, &peer] {
        let pw = as_user(
            &app,
            &token,
            Method::PUT,
            &format!("/api/v1/users/{target}/password"),
            Some(json!({"new_password": "taken over password 1"})),
        )
        .await;
        assert_refused(pw, "target_outranks_actor").await;
        let mfa = as_user(
            &app,
            &token,
            Method::DELETE,
            &format!("/api/v1/users/{target}/mfa"),
            None,
        )
        .await;
        assert_refused(mfa, "target_outranks_actor").await;
        let off = as_user(&app, &token, Method::DELETE, &format!("/api/v1/users/{target}"), None).await;
        assert_refused(off, "target_outranks_actor").await;
        let unlock = as_user(
            &app,
            &token,
            Method::POST,
            &format!("/api/v1/users/{target}/unlock"),
            None,
        )
        .await;
        assert_refused(unlock, "target_outranks_actor").await;
    }
    assert_eq!(
        app.try_login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200,
        "the administrator's password is unchanged"
    );
    app.stop().await;
}

#[tokio::test]
async fn setting_a_lesser_users_password_ends_their_sessions_tells_them_and_is_audited() {
    let app = TestApp::spawn().await;
    custom_role(&app, "helpdesk", &["users:admin", "users:read"]).await;
    let (_, token) = signed_in(&app, "helpdesk@example.com", &["helpdesk"]).await;
    let (target, target_token) = signed_in(&app, "requester@example.com", &["requester"]).await;

    let res = as_user(
        &app,
        &token,
        Method::PUT,
        &format!("/api/v1/users/{target}/password"),
        Some(json!({"new_password": "a fresh password 77"})),
    )
    .await;
    assert_eq!(res.status(), 204);
    let me = as_user(&app, &target_token, Method::GET, "/api/v1/auth/me", None).await;
    assert_eq!(me.status(), 401, "the target's sessions ended");

    let target_uuid: uuid::Uuid = target.parse().expect("uuid");
    let events = app.services.events_of(target_uuid).await.expect("events");
    let mail = events
        .iter()
        .find(|e| e.event_type == "email.requested" && e.payload["template"] == "password_set_by_admin")
        .expect("the target is told by email");
    assert_eq!(mail.payload["to"], "requester@example.com");
    assert!(
        !mail.payload.to_string().contains("a fresh password 77"),
        "the email carries no secret"
    );

    let audit: Value = app
        .admin(Method::GET, &format!("/api/v1/audit-logs/user/{target}"))
        .send()
        .await
        .expect("audit")
        .json()
        .await
        .expect("json");
    assert!(
        audit["data"]
            .as_array()
            .expect("data")
            .iter()
            .any(|a| a["action"] == "auth.password_changed"),
        "{audit}"
    );
    app.stop().await;
}

#[tokio::test]
async fn resetting_a_lesser_users_mfa_ends_their_sessions_and_tells_them() {
    let app = TestApp::spawn().await;
    custom_role(&app, "helpdesk", &["users:admin", "users:read"]).await;
    let (_, token) = signed_in(&app, "helpdesk@example.com", &["helpdesk"]).await;
    let (target, target_token) = signed_in(&app, "requester@example.com", &["requester"]).await;
    let enrol = as_user(&app, &target_token, Method::POST, "/api/v1/auth/mfa/enroll", None).await;
    assert_eq!(enrol.status(), 200);

    let res = as_user(
        &app,
        &token,
        Method::DELETE,
        &format!("/api/v1/users/{target}/mfa"),
        None,
    )
    .await;
    assert_eq!(res.status(), 204);
    let me = as_user(&app, &target_token, Method::GET, "/api/v1/auth/me", None).await;
    assert_eq!(me.status(), 401, "the target's sessions ended");
    let events = app
        .services
        .events_of(target.parse().expect("uuid"))
        .await
        .expect("events");
    assert!(
        events
            .iter()
            .any(|e| e.event_type == "email.requested" && e.payload["template"] == "mfa_reset_by_admin")
    );
    app.stop().await;
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_removed_or_deactivated() {
    let app = TestApp::spawn().await;
    let admin = admin_id(&app).await;
    let admins = group_with_roles(&app, "Admins", &["admin"]).await;
    let add = app
        .admin(Method::POST, &format!("/api/v1/groups/{admins}/members"))
        .json(&json!({"user_id": admin}))
        .send()
        .await
        .expect("add");
    assert_eq!(add.status(), 201);
    // A second administrator takes the first one's direct admin role; the first stays admin
    // through the group only, then deactivates the second.
    let (second, second_token) = signed_in(&app, "second@example.com", &["admin"]).await;
    let demote = as_user(
        &app,
        &second_token,
        Method::PUT,
        &format!("/api/v1/users/{admin}/roles"),
        Some(json!({"roles": ["requester"]})),
    )
    .await;
    assert_eq!(demote.status(), 200);
    let off = app
        .admin(Method::DELETE, &format!("/api/v1/users/{second}"))
        .send()
        .await
        .expect("deactivate");
    assert_eq!(off.status(), 200);

    let last_admin = |res: Response| async move {
        assert_eq!(res.status(), 409);
        let p: Value = res.json().await.expect("json");
        assert_eq!(p["code"], "last_admin", "{p}");
    };
    last_admin(
        app.admin(Method::PUT, &format!("/api/v1/groups/{admins}/roles"))
            .json(&json!({"roles": []}))
            .send()
            .await
            .expect("put"),
    )
    .await;
    last_admin(
        app.admin(Method::DELETE, &format!("/api/v1/groups/{admins}/members/{admin}"))
            .send()
            .await
            .expect("delete"),
    )
    .await;
    last_admin(
        app.admin(Method::DELETE, &format!("/api/v1/groups/{admins}"))
            .send()
            .await
            .expect("delete"),
    )
    .await;
    // Even the system (the CLI, jobs) cannot deactivate the last administrator.
    let tenant: Value = app
        .admin(Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let tenant_id: uuid::Uuid = tenant["tenant"]["id"]
        .as_str()
        .or_else(|| tenant["tenant_id"].as_str())
        .expect("tenant id")
        .parse()
        .expect("uuid");
    let ctx = Ctx::system(TenantId(tenant_id));
    let err = app
        .services
        .deactivate_user(&ctx, admin.parse().expect("uuid"))
        .await
        .expect_err("refused");
    assert_eq!(err.code.as_str(), "last_admin");

    assert_eq!(
        my_permissions(&app, &app.admin_token).await.len(),
        firelater_core::Permission::ALL.len(),
        "the administrator is still one"
    );
    app.stop().await;
}
