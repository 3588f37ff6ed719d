//! The authorization matrix: every operation of the OpenAPI document, called by each system
//! role (the exact status expected), without a token (401) and, for one tenant's objects,
//! with another tenant's administrator (404). Each module declares its own rows and the
//! fixtures they need in `matrix/<module>.rs` and adds its `entries` to [`MODULES`]; this
//! driver runs them all, and the list of operations comes from the document, so an endpoint
//! without a row fails the test.

mod api_keys;
mod applications;
mod audit;
mod auth;
mod cmdb;
mod groups;
mod platform;
mod roles;
mod services;
mod system;
mod users;

use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};

/// Every module's rows.
const MODULES: &[fn() -> Vec<Entry>] = &[
    system::entries,
    auth::entries,
    users::entries,
    roles::entries,
    groups::entries,
    applications::entries,
    services::entries,
    cmdb::entries,
    api_keys::entries,
    audit::entries,
    platform::entries,
];

pub const ROLES: [&str; 4] = ["admin", "manager", "agent", "requester"];
pub const PASSWORD: &str = "matrix password 123";
const PLATFORM_TOKEN: &str = "platform-operator-token-for-the-matrix-test-0123456789";

/// A boxed future borrowing the world.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;
/// Values of the path's parameters, e.g. `("{id}", "…")`.
pub type Params = Vec<(&'static str, String)>;
/// Creates, in tenant A as its administrator, what the path's parameters point at; gets the
/// calling role's index and token.
pub type Fixture = for<'a> fn(&'a World, usize, &'a str) -> Fut<'a, Params>;
/// The request body for the calling role and the fixture's parameters.
pub type Body = for<'a> fn(&'a World, usize, &'a Params) -> Fut<'a, Value>;

/// One operation's expectations.
pub struct Entry {
    pub method: &'static str,
    pub path: &'static str,
    /// What the path's parameters point at; `None` when it has none.
    pub fixture: Option<Fixture>,
    pub body: Option<Body>,
    /// A CSV file sent as the body instead (`text/csv`), for imports.
    pub csv: Option<&'static str>,
    /// Statuses for admin, manager, agent, requester.
    pub expect: [u16; 4],
    /// Public endpoints take no token; the others must answer 401 without one.
    pub public: bool,
    /// Log in afresh for the call (it ends or changes the caller's session).
    pub fresh_token: bool,
    /// Whether another tenant's administrator must get 404: the path names an object of
    /// tenant A that is not the caller's own.
    pub cross_tenant: bool,
}

/// A row called with the role's token.
pub const fn e(method: &'static str, path: &'static str, expect: [u16; 4]) -> Entry {
    Entry {
        method,
        path,
        fixture: None,
        body: None,
        csv: None,
        expect,
        public: false,
        fresh_token: false,
        cross_tenant: false,
    }
}

/// A row called without a token.
pub const fn public(method: &'static str, path: &'static str, status: u16) -> Entry {
    Entry {
        public: true,
        ..e(method, path, [status; 4])
    }
}

impl Entry {
    /// Its path points at what `fixture` creates in tenant A.
    pub fn on(self, fixture: Fixture) -> Self {
        Self {
            fixture: Some(fixture),
            cross_tenant: true,
            ..self
        }
    }

    /// Its path points at what `fixture` gives, which is not one of tenant A's objects that
    /// another tenant could try (the caller's own session, a tenant): no cross-tenant check.
    pub fn with(self, fixture: Fixture) -> Self {
        Self {
            fixture: Some(fixture),
            cross_tenant: false,
            ..self
        }
    }

    /// It sends this body.
    pub fn body(self, body: Body) -> Self {
        Self {
            body: Some(body),
            ..self
        }
    }

    /// It sends this CSV file.
    pub fn csv(self, text: &'static str) -> Self {
        Self {
            csv: Some(text),
            ..self
        }
    }

    /// It signs in afresh for each call.
    pub fn fresh(self) -> Self {
        Self {
            fresh_token: true,
            ..self
        }
    }
}

pub const OK4: [u16; 4] = [200, 200, 200, 200];
pub const READ: [u16; 4] = [200, 200, 200, 403];
pub const ADMIN_ONLY_200: [u16; 4] = [200, 403, 403, 403];
pub const ADMIN_ONLY_201: [u16; 4] = [201, 403, 403, 403];
pub const ADMIN_ONLY_204: [u16; 4] = [204, 403, 403, 403];

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A name no other fixture uses.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", SEQ.fetch_add(1, Ordering::Relaxed))
}

pub struct World {
    pub app: TestApp,
    /// Email of the user holding each system role.
    pub emails: Vec<String>,
    /// A token per role.
    pub tokens: Vec<String>,
    /// Tenant B's administrator.
    pub other_admin: String,
    pub tenant_a: String,
}

pub async fn json_of(res: reqwest::Response) -> Value {
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

    /// Posts `body` to `path` as tenant A's administrator; the fixture must succeed.
    pub async fn post(&self, path: &str, body: Value) -> Value {
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

    async fn params(&self, entry: &Entry, role: usize, token: &str) -> Params {
        match entry.fixture {
            Some(f) => f(self, role, token).await,
            None => Vec::new(),
        }
    }

    async fn body_of(&self, entry: &Entry, role: usize, params: &Params) -> Option<Value> {
        match entry.body {
            Some(b) => Some(b(self, role, params).await),
            None => None,
        }
    }

    async fn call(
        &self,
        entry: &Entry,
        token: Option<&str>,
        params: &Params,
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
        if let Some(text) = entry.csv {
            req = req.header(reqwest::header::CONTENT_TYPE, "text/csv").body(text);
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
    let entries: Vec<Entry> = MODULES.iter().flat_map(|m| m()).collect();
    let listed: BTreeSet<(String, String)> = entries
        .iter()
        .map(|e| (e.method.to_owned(), e.path.to_owned()))
        .collect();
    assert_eq!(listed.len(), entries.len(), "an operation has two matrix rows");
    let missing: Vec<_> = documented.difference(&listed).collect();
    assert!(missing.is_empty(), "endpoints without a matrix entry: {missing:?}");
    let stale: Vec<_> = listed.difference(&documented).collect();
    assert!(stale.is_empty(), "matrix rows of no documented endpoint: {stale:?}");

    let mut failures = Vec::new();
    for entry in &entries {
        for (role, expected) in entry.expect.iter().enumerate() {
            let token = if entry.fresh_token {
                w.app.login("default", &w.emails[role], PASSWORD).await["access_token"]
                    .as_str()
                    .expect("t")
                    .to_owned()
            } else {
                w.tokens[role].clone()
            };
            let params = w.params(entry, role, &token).await;
            let body = w.body_of(entry, role, &params).await;
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
            let params = w.params(entry, 0, &w.tokens[0]).await;
            let body = w.body_of(entry, 0, &params).await;
            let status = w.call(entry, None, &params, body).await.status().as_u16();
            if status != 401 {
                failures.push(format!(
                    "{} {} without a token: {status}, expected 401",
                    entry.method, entry.path
                ));
            }
        }
        if entry.cross_tenant {
            let params = w.params(entry, 0, &w.tokens[0]).await;
            let body = w.body_of(entry, 0, &params).await;
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
    let rules = firelater_api::rules().expect("every operation's security is a rule");
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
            if rules.rule(&m, path).is_none() {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "routes without an access rule: {missing:?}");
}
