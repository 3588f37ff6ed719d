//! The authorization matrix: every operation of the OpenAPI document, called by each system
//! role (the exact status expected), without a token (401) and, for one tenant's objects,
//! with another tenant's administrator (404). The list of operations comes from the
//! document, so an endpoint without an entry here fails the test.

use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

const ROLES: [&str; 4] = ["admin", "manager", "agent", "requester"];
const PASSWORD: &str = "matrix password 123";
const PLATFORM_TOKEN: &str = "platform-operator-token-for-the-matrix-test-0123456789";

/// What the path's parameters point at, created fresh in tenant A by its administrator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    /// No parameters.
    Nothing,
    /// `{id}`: another user.
    User,
    /// `{id}`: a custom role.
    Role,
    /// `{id}`: a group.
    Group,
    /// `{id}` a group and `{userId}` one of its members.
    GroupMember,
    /// `{id}`: an API key.
    ApiKey,
    /// `{id}`: another session of the caller.
    OwnSession,
    /// `{entityType}/{id}`: a user's audit history.
    AuditUser,
    /// `{id}`: a tenant (platform API).
    Tenant,
}

struct Entry {
    method: &'static str,
    path: &'static str,
    target: Target,
    /// Statuses for admin, manager, agent, requester.
    expect: [u16; 4],
    /// Public endpoints take no token; the others must answer 401 without one.
    public: bool,
    /// Log in afresh for the call (it ends or changes the caller's session).
    fresh_token: bool,
}

const fn e(method: &'static str, path: &'static str, target: Target, expect: [u16; 4]) -> Entry {
    Entry {
        method,
        path,
        target,
        expect,
        public: false,
        fresh_token: false,
    }
}

const fn public(method: &'static str, path: &'static str, status: u16) -> Entry {
    Entry {
        method,
        path,
        target: Target::Nothing,
        expect: [status; 4],
        public: true,
        fresh_token: false,
    }
}

const fn fresh(method: &'static str, path: &'static str, target: Target, expect: [u16; 4]) -> Entry {
    Entry {
        method,
        path,
        target,
        expect,
        public: false,
        fresh_token: true,
    }
}

use Target::*;

const OK4: [u16; 4] = [200, 200, 200, 200];
const READ: [u16; 4] = [200, 200, 200, 403];
const ADMIN_ONLY_200: [u16; 4] = [200, 403, 403, 403];
const ADMIN_ONLY_201: [u16; 4] = [201, 403, 403, 403];
const ADMIN_ONLY_204: [u16; 4] = [204, 403, 403, 403];

fn entries() -> Vec<Entry> {
    vec![
        public("GET", "/healthz", 200),
        public("GET", "/readyz", 200),
        public("GET", "/metrics", 200),
        public("POST", "/api/v1/auth/login", 200),
        public("POST", "/api/v1/auth/refresh", 200),
        public("POST", "/api/v1/auth/forgot-password", 202),
        public("POST", "/api/v1/auth/reset-password", 422),
        fresh("POST", "/api/v1/auth/logout", Nothing, [204; 4]),
        e("GET", "/api/v1/auth/me", Nothing, OK4),
        e("GET", "/api/v1/auth/sessions", Nothing, OK4),
        fresh("DELETE", "/api/v1/auth/sessions", Nothing, [204; 4]),
        fresh("DELETE", "/api/v1/auth/sessions/{id}", OwnSession, [204; 4]),
        fresh("POST", "/api/v1/auth/mfa/enroll", Nothing, OK4),
        fresh("POST", "/api/v1/auth/mfa/confirm", Nothing, [422; 4]),
        fresh("DELETE", "/api/v1/auth/mfa", Nothing, [409; 4]),
        e("DELETE", "/api/v1/users/{id}/mfa", User, ADMIN_ONLY_204),
        e("GET", "/api/v1/api-keys", Nothing, [200, 403, 403, 403]),
        e("POST", "/api/v1/api-keys", Nothing, ADMIN_ONLY_201),
        e("DELETE", "/api/v1/api-keys/{id}", ApiKey, ADMIN_ONLY_204),
        e("GET", "/api/v1/users", Nothing, READ),
        e("POST", "/api/v1/users", Nothing, ADMIN_ONLY_201),
        e("GET", "/api/v1/users/{id}", User, READ),
        e("PUT", "/api/v1/users/{id}", User, ADMIN_ONLY_200),
        e("DELETE", "/api/v1/users/{id}", User, ADMIN_ONLY_200),
        e("PUT", "/api/v1/users/{id}/password", User, ADMIN_ONLY_204),
        e("POST", "/api/v1/users/{id}/unlock", User, ADMIN_ONLY_204),
        e("GET", "/api/v1/users/{id}/notifications", User, READ),
        e("PUT", "/api/v1/users/{id}/notifications", User, ADMIN_ONLY_200),
        e("PUT", "/api/v1/users/{id}/roles", User, ADMIN_ONLY_200),
        e("GET", "/api/v1/users/{id}/groups", User, READ),
        e("GET", "/api/v1/roles", Nothing, READ),
        e("POST", "/api/v1/roles", Nothing, ADMIN_ONLY_201),
        e("GET", "/api/v1/roles/{id}", Role, READ),
        e("PUT", "/api/v1/roles/{id}", Role, ADMIN_ONLY_200),
        e("DELETE", "/api/v1/roles/{id}", Role, ADMIN_ONLY_204),
        e("GET", "/api/v1/permissions", Nothing, READ),
        e("GET", "/api/v1/groups", Nothing, READ),
        e("POST", "/api/v1/groups", Nothing, [201, 201, 403, 403]),
        e("GET", "/api/v1/groups/{id}", Group, READ),
        e("PUT", "/api/v1/groups/{id}", Group, [200, 200, 403, 403]),
        e("DELETE", "/api/v1/groups/{id}", Group, ADMIN_ONLY_204),
        e("GET", "/api/v1/groups/{id}/members", Group, READ),
        e("POST", "/api/v1/groups/{id}/members", Group, [201, 201, 403, 403]),
        e(
            "DELETE",
            "/api/v1/groups/{id}/members/{userId}",
            GroupMember,
            [204, 204, 403, 403],
        ),
        e("PUT", "/api/v1/groups/{id}/roles", Group, ADMIN_ONLY_200),
        e("GET", "/api/v1/audit-logs", Nothing, [200, 200, 403, 403]),
        e(
            "GET",
            "/api/v1/audit-logs/{entityType}/{id}",
            AuditUser,
            [200, 200, 403, 403],
        ),
        // The platform API is the operator's: no tenant user's token opens it.
        e("GET", "/api/v1/platform/tenants", Nothing, [401; 4]),
        e("POST", "/api/v1/platform/tenants", Nothing, [401; 4]),
        e("POST", "/api/v1/platform/tenants/{id}/suspend", Tenant, [401; 4]),
        e("POST", "/api/v1/platform/tenants/{id}/resume", Tenant, [401; 4]),
        e("DELETE", "/api/v1/platform/tenants/{id}", Tenant, [401; 4]),
    ]
}

static SEQ: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", SEQ.fetch_add(1, Ordering::Relaxed))
}

struct World {
    app: TestApp,
    /// Email of the user holding each system role.
    emails: Vec<String>,
    /// A token per role.
    tokens: Vec<String>,
    /// Tenant B's administrator.
    other_admin: String,
    tenant_a: String,
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.expect("json")
}

impl World {
    async fn new() -> Self {
        let app = TestApp::builder()
            .config(|c| c.platform_admin_token = Some(PLATFORM_TOKEN.into()))
            .spawn()
            .await;
        let mut emails = Vec::new();
        let mut tokens = Vec::new();
        for role in ROLES {
            let email = format!("{role}-matrix@example.com");
            app.create_user(&email, Some(PASSWORD), &[role]).await;
            tokens.push(
                app.login("default", &email, PASSWORD).await["access_token"]
                    .as_str()
                    .expect("t")
                    .to_owned(),
            );
            emails.push(email);
        }
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
        let other_admin = app.login("other", "admin@other.example", PASSWORD).await["access_token"]
            .as_str()
            .expect("t")
            .to_owned();
        let me = json_of(app.admin(Method::GET, "/api/v1/auth/me").send().await.expect("me")).await;
        let tenant_a = me["tenant"]["id"].as_str().expect("tenant").to_owned();
        Self {
            app,
            emails,
            tokens,
            other_admin,
            tenant_a,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let res = self
            .app
            .admin(Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("post");
        assert!(res.status().is_success(), "fixture {path}: {}", res.status());
        json_of(res).await
    }

    /// Creates the target and returns the path parameters.
    async fn target(&self, t: Target, role: usize, token: &str) -> Vec<(&'static str, String)> {
        match t {
            Nothing => vec![],
            User | AuditUser => {
                let u = self
                    .app
                    .create_user(
                        &format!("{}@example.com", unique("target")),
                        Some(PASSWORD),
                        &["requester"],
                    )
                    .await;
                let mut p = vec![("{id}", u["id"].as_str().expect("id").to_owned())];
                if t == AuditUser {
                    p.push(("{entityType}", "user".to_owned()));
                }
                p
            }
            Role => {
                let r = self
                    .post(
                        "/api/v1/roles",
                        json!({"name": unique("role-"), "display_name": "Target", "permissions": ["users:read"]}),
                    )
                    .await;
                vec![("{id}", r["id"].as_str().expect("id").to_owned())]
            }
            Group | GroupMember => {
                let g = self.post("/api/v1/groups", json!({"name": unique("group-")})).await;
                let gid = g["id"].as_str().expect("id").to_owned();
                let mut p = vec![("{id}", gid.clone())];
                if t == GroupMember {
                    let u = self
                        .app
                        .create_user(&format!("{}@example.com", unique("member")), None, &[])
                        .await;
                    let uid = u["id"].as_str().expect("id").to_owned();
                    self.post(
                        &format!("/api/v1/groups/{gid}/members"),
                        json!({"user_id": uid, "role": "member"}),
                    )
                    .await;
                    p.push(("{userId}", uid));
                }
                p
            }
            ApiKey => {
                let k = self
                    .post(
                        "/api/v1/api-keys",
                        json!({"name": unique("key-"), "permissions": ["users:read"]}),
                    )
                    .await;
                vec![("{id}", k["id"].as_str().expect("id").to_owned())]
            }
            OwnSession => {
                // A second session of the same user; the caller revokes it.
                self.app.login("default", &self.emails[role], PASSWORD).await;
                let list = json_of(
                    self.app
                        .request(Method::GET, "/api/v1/auth/sessions")
                        .bearer_auth(token)
                        .send()
                        .await
                        .expect("sessions"),
                )
                .await;
                let other = list["data"]
                    .as_array()
                    .or_else(|| list.as_array())
                    .expect("sessions")
                    .iter()
                    .find(|s| s["current"] != true)
                    .expect("another session")["id"]
                    .as_str()
                    .expect("id")
                    .to_owned();
                vec![("{id}", other)]
            }
            Tenant => vec![("{id}", self.tenant_a.clone())],
        }
    }

    async fn body(&self, entry: &Entry, role: usize, params: &[(&'static str, String)]) -> Option<Value> {
        let id = params
            .iter()
            .find(|(k, _)| *k == "{id}")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        Some(match (entry.method, entry.path) {
            ("POST", "/api/v1/auth/login") => {
                json!({"tenant": "default", "email": self.emails[role], "password": PASSWORD})
            }
            ("POST", "/api/v1/auth/refresh") => {
                let t = self.app.login("default", &self.emails[role], PASSWORD).await;
                json!({"refresh_token": t["refresh_token"]})
            }
            ("POST", "/api/v1/auth/forgot-password") => json!({"tenant": "default", "email": self.emails[role]}),
            ("POST", "/api/v1/auth/reset-password") => {
                json!({"token": "not-a-token", "new_password": "brand new password 1"})
            }
            ("POST", "/api/v1/auth/mfa/confirm") => json!({"code": "000000"}),
            ("DELETE", "/api/v1/auth/mfa") => json!({"password": PASSWORD}),
            ("POST", "/api/v1/api-keys") => json!({"name": unique("key-"), "permissions": []}),
            ("POST", "/api/v1/users") => json!({"email": format!("{}@example.com", unique("new")), "name": "New"}),
            ("PUT", "/api/v1/users/{id}") => json!({"version": 1, "name": "Renamed"}),
            ("PUT", "/api/v1/users/{id}/password") => json!({"new_password": "a brand new password"}),
            ("PUT", "/api/v1/users/{id}/notifications") => json!({"preferences": []}),
            ("PUT", "/api/v1/users/{id}/roles") => json!({"roles": ["agent"]}),
            ("POST", "/api/v1/roles") => json!({"name": unique("made-"), "display_name": "Made"}),
            ("PUT", "/api/v1/roles/{id}") => json!({"version": 1, "display_name": "Renamed"}),
            ("POST", "/api/v1/groups") => json!({"name": unique("made-group-")}),
            ("PUT", "/api/v1/groups/{id}") => json!({"version": 1, "description": "changed"}),
            ("POST", "/api/v1/groups/{id}/members") => {
                let u = self
                    .app
                    .create_user(&format!("{}@example.com", unique("joiner")), None, &[])
                    .await;
                json!({"user_id": u["id"], "role": "member"})
            }
            ("PUT", "/api/v1/groups/{id}/roles") => json!({"roles": ["agent"]}),
            ("POST", "/api/v1/platform/tenants") => {
                json!({"name": "P", "slug": unique("plat-"), "admin_email": "p@example.com", "admin_password": PASSWORD})
            }
            _ => {
                let _ = id;
                return None;
            }
        })
    }

    async fn call(
        &self,
        entry: &Entry,
        token: Option<&str>,
        params: &[(&'static str, String)],
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut path = entry.path.to_owned();
        for (k, v) in params {
            path = path.replace(k, v);
        }
        let method = Method::from_bytes(entry.method.as_bytes()).expect("method");
        let mut req = self.app.request(method, &path);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("send")
    }
}

#[tokio::test]
async fn every_endpoint_answers_each_role_as_declared_and_never_leaks_across_tenants() {
    let mut w = World::new().await;
    let doc = json_of(
        w.app
            .request(Method::GET, "/api/v1/openapi.json")
            .send()
            .await
            .expect("doc"),
    )
    .await;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let entries = entries();
    let listed: BTreeSet<(String, String)> = entries
        .iter()
        .map(|e| (e.method.to_owned(), e.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&listed).collect();
    assert!(missing.is_empty(), "endpoints without a matrix entry: {missing:?}");

    let mut failures = Vec::new();
    for entry in entries
        .iter()
        .filter(|e| documented.contains(&(e.method.to_owned(), e.path.to_owned())))
    {
        for (role, expected) in entry.expect.iter().enumerate() {
            let token = if entry.fresh_token {
                w.app.login("default", &w.emails[role], PASSWORD).await["access_token"]
                    .as_str()
                    .expect("t")
                    .to_owned()
            } else {
                w.tokens[role].clone()
            };
            let params = w.target(entry.target, role, &token).await;
            let body = w.body(entry, role, &params).await;
            let token = if entry.public { None } else { Some(token.as_str()) };
            let status = w.call(entry, token, &params, body).await.status().as_u16();
            if status != *expected {
                failures.push(format!(
                    "{} {} as {}: {status}, expected {expected}",
                    entry.method, entry.path, ROLES[role]
                ));
            }
        }
        if entry.fresh_token {
            // The call may have ended other sessions of the role users: sign them in again.
            for (role, email) in w.emails.iter().enumerate() {
                w.tokens[role] = w.app.login("default", email, PASSWORD).await["access_token"]
                    .as_str()
                    .expect("t")
                    .to_owned();
            }
        }
        if !entry.public {
            let params = if entry.target == OwnSession {
                vec![("{id}", uuid::Uuid::now_v7().to_string())]
            } else {
                w.target(entry.target, 0, &w.tokens[0]).await
            };
            let body = w.body(entry, 0, &params).await;
            let status = w.call(entry, None, &params, body).await.status().as_u16();
            if status != 401 {
                failures.push(format!(
                    "{} {} without a token: {status}, expected 401",
                    entry.method, entry.path
                ));
            }
        }
        if !matches!(entry.target, Nothing | OwnSession | Tenant) {
            let params = w.target(entry.target, 0, &w.tokens[0]).await;
            let body = w.body(entry, 0, &params).await;
            let status = w
                .call(entry, Some(&w.other_admin), &params, body)
                .await
                .status()
                .as_u16();
            if status != 404 {
                failures.push(format!(
                    "{} {} with another tenant's admin: {status}, expected 404",
                    entry.method, entry.path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    w.app.stop().await;
}

#[test]
fn every_documented_route_has_an_access_rule() {
    let doc = firelater_api::openapi();
    let mut missing = Vec::new();
    for (path, item) in &doc.paths.paths {
        let value = serde_json::to_value(item).expect("item");
        for method in value
            .as_object()
            .expect("item")
            .keys()
            .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
        {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            if firelater_api::access::rule(&m, path).is_none() {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "routes without an access rule: {missing:?}");
}
