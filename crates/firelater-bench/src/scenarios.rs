//! The named load scenarios, one function each.
//!
//! A scenario does its one-off setup (such as logging in) and returns a [`Plan`]: how to
//! build one request and which response counts as a success. Adding a scenario means a new
//! [`Scenario`] variant, a function here and one arm in [`plan`].

use anyhow::{Context, bail};
use clap::ValueEnum;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

/// The login endpoint, shared by the scenarios that log in.
const LOGIN_PATH: &str = "/api/v1/auth/login";

/// A password no real account has, for the failed-login scenario.
const WRONG_PASSWORD: &str = "firelater-bench-wrong-password";

/// A named scenario selectable with `--scenario`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Scenario {
    /// `GET /healthz`, expecting 200.
    Healthz,
    /// A successful login, expecting 200 with an access token.
    Login,
    /// A login with a wrong password, expecting 401.
    LoginWrongPassword,
    /// `GET /api/v1/auth/me` with a token obtained once at setup, expecting 200.
    Me,
    /// `GET /api/v1/users` filtered and searched, over at least 1,000 users created at setup.
    ListUsers,
    /// `GET /api/v1/applications` filtered by tier, status and tag and searched, over at
    /// least 10,000 applications imported at setup.
    ListApplications,
    /// `GET /api/v1/services` filtered by type and status, top-level only, searched and sorted
    /// by total cost, over at least 1,000 services created at setup.
    ListServices,
    /// `GET /api/v1/cmdb/cis/{id}/impact?depth=10` from rotating CIs of a layered CMDB
    /// (50,000 CIs and 200,000 relationships unless `FIRELATER_BENCH_CMDB_CIS` and
    /// `FIRELATER_BENCH_CMDB_RELATIONSHIPS` say otherwise) seeded once at setup.
    ImpactAnalysis,
    /// `GET /api/v1/cmdb/cis?attr.os=…&environment=production` over the same CMDB.
    ListCis,
    /// `POST /api/v1/auth/forgot-password` for the target's account, expecting 202.
    ForgotPasswordKnown,
    /// `POST /api/v1/auth/forgot-password` for an email no account has, expecting 202.
    ForgotPasswordUnknown,
}

impl Scenario {
    /// The scenario's name as given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Healthz => "healthz",
            Self::Login => "login",
            Self::LoginWrongPassword => "login_wrong_password",
            Self::Me => "me",
            Self::ListUsers => "list_users",
            Self::ListApplications => "list_applications",
            Self::ListServices => "list_services",
            Self::ImpactAnalysis => "impact_analysis",
            Self::ListCis => "list_cis",
            Self::ForgotPasswordKnown => "forgot_password_known",
            Self::ForgotPasswordUnknown => "forgot_password_unknown",
        }
    }
}

/// The server under test and the account to sign in with.
pub struct Target {
    /// Base URL without a trailing slash.
    pub base: String,
    /// Tenant slug.
    pub tenant: String,
    /// Account email.
    pub email: String,
    /// Account password; only the scenarios that log in successfully need it.
    pub password: Option<String>,
}

impl Target {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn password(&self, scenario: Scenario) -> anyhow::Result<&str> {
        match &self.password {
            Some(password) => Ok(password),
            None => bail!(
                "scenario {} needs --password or FIRELATER_ADMIN_PASSWORD",
                scenario.name()
            ),
        }
    }
}

/// Builds one request of a scenario from the shared client.
type MakeRequest = Box<dyn Fn(&Client) -> RequestBuilder + Send + Sync>;

/// What a worker sends repeatedly, and what it expects back.
pub struct Plan {
    /// The scenario this plan belongs to.
    pub scenario: Scenario,
    request: MakeRequest,
    expect: StatusCode,
    needs_token: bool,
}

/// The result of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered; `ok` says whether the answer was the expected one.
    Response {
        /// The HTTP status code.
        status: u16,
        /// Whether status and body were what the scenario expects.
        ok: bool,
    },
    /// The request failed before a complete response arrived.
    Transport,
}

impl Plan {
    /// Sends one request and classifies the response.
    pub async fn execute(&self, client: &Client) -> Outcome {
        let Ok(response) = (self.request)(client).send().await else {
            return Outcome::Transport;
        };
        let status = response.status();
        // Reading the whole body returns the connection to the pool and counts in the latency.
        let Ok(body) = response.bytes().await else {
            return Outcome::Transport;
        };
        let ok = status == self.expect && (!self.needs_token || access_token(&body).is_some());
        Outcome::Response {
            status: status.as_u16(),
            ok,
        }
    }
}

/// Does the setup of `scenario` and returns its plan.
pub async fn plan(scenario: Scenario, client: &Client, target: &Target) -> anyhow::Result<Plan> {
    match scenario {
        Scenario::Healthz => Ok(healthz(target)),
        Scenario::Login => login(target),
        Scenario::LoginWrongPassword => Ok(login_wrong_password(target)),
        Scenario::Me => me(client, target).await,
        Scenario::ListUsers => list_users(client, target).await,
        Scenario::ListApplications => list_applications(client, target).await,
        Scenario::ListServices => list_services(client, target).await,
        Scenario::ImpactAnalysis => impact_analysis(client, target).await,
        Scenario::ListCis => list_cis(client, target).await,
        Scenario::ForgotPasswordKnown => Ok(forgot_password(Scenario::ForgotPasswordKnown, target, &target.email)),
        Scenario::ForgotPasswordUnknown => Ok(forgot_password(
            Scenario::ForgotPasswordUnknown,
            target,
            "nobody-firelater-bench@example.com",
        )),
    }
}

/// `POST /api/v1/auth/forgot-password` for `email`, expecting 202: the known and the unknown
/// account should cost the same (run the server with the login rate limit off).
pub fn forgot_password(scenario: Scenario, target: &Target, email: &str) -> Plan {
    let url = target.url("/api/v1/auth/forgot-password");
    let body = json!({ "tenant": target.tenant, "email": email });
    Plan {
        scenario,
        request: Box::new(move |client| client.post(&url).json(&body)),
        expect: StatusCode::ACCEPTED,
        needs_token: false,
    }
}

/// `GET /healthz`, expecting 200.
pub fn healthz(target: &Target) -> Plan {
    let url = target.url("/healthz");
    Plan {
        scenario: Scenario::Healthz,
        request: Box::new(move |client| client.get(&url)),
        expect: StatusCode::OK,
        needs_token: false,
    }
}

/// `POST /api/v1/auth/login` with the right password, expecting 200 and an access token.
pub fn login(target: &Target) -> anyhow::Result<Plan> {
    let password = target.password(Scenario::Login)?;
    Ok(login_plan(Scenario::Login, target, password, StatusCode::OK))
}

/// `POST /api/v1/auth/login` with a wrong password, expecting 401.
pub fn login_wrong_password(target: &Target) -> Plan {
    login_plan(
        Scenario::LoginWrongPassword,
        target,
        WRONG_PASSWORD,
        StatusCode::UNAUTHORIZED,
    )
}

/// How many users `list_users` makes sure exist.
const LIST_USERS_POPULATION: usize = 1000;

/// `GET /api/v1/users?status=pending&q=bench-&sort=email&per_page=25` over at least 1,000
/// users (created at setup if missing, without passwords so setup is quick), expecting 200.
pub async fn list_users(client: &Client, target: &Target) -> anyhow::Result<Plan> {
    let token = sign_in(client, target, Scenario::ListUsers).await?;
    let count_url = target.url("/api/v1/users?q=bench-&per_page=1");
    let existing: Value = client.get(&count_url).bearer_auth(&token).send().await?.json().await?;
    let have = existing["meta"]["total"].as_u64().unwrap_or(0) as usize;
    for i in have..LIST_USERS_POPULATION {
        let body = json!({"email": format!("bench-{i}@example.com"), "name": format!("Bench User {i}")});
        let res = client
            .post(target.url("/api/v1/users"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await?;
        if !res.status().is_success() && res.status() != StatusCode::CONFLICT {
            bail!("creating bench user {i} returned {}", res.status());
        }
    }
    let url = target.url("/api/v1/users?status=pending&q=bench-&sort=email&order=asc&per_page=25&page=3");
    Ok(Plan {
        scenario: Scenario::ListUsers,
        request: Box::new(move |client| client.get(&url).bearer_auth(&token)),
        expect: StatusCode::OK,
        needs_token: false,
    })
}

/// How many applications [`list_applications`] lists over (the issue's 10,000).
const LIST_APPLICATIONS_POPULATION: usize = 10_000;

/// `GET /api/v1/applications?tier=P1,P2&status=active&tag=bench&q=bench&sort=app_id&per_page=25`
/// over at least 10,000 applications (imported at setup if missing, in one CSV file: four
/// tiers, three statuses, every other one tagged `bench`), expecting 200.
pub async fn list_applications(client: &Client, target: &Target) -> anyhow::Result<Plan> {
    let token = sign_in(client, target, Scenario::ListApplications).await?;
    let count_url = target.url("/api/v1/applications?q=bench-app&per_page=1");
    let existing: Value = client.get(&count_url).bearer_auth(&token).send().await?.json().await?;
    let have = existing["meta"]["total"].as_u64().unwrap_or(0) as usize;
    if have < LIST_APPLICATIONS_POPULATION {
        let mut csv = String::from("name,tier,status,tags\n");
        for i in have..LIST_APPLICATIONS_POPULATION {
            let tags = if i % 2 == 0 { "bench;web" } else { "batch" };
            let tier = ["P1", "P2", "P3", "P4"][i % 4];
            let status = ["active", "inactive", "deprecated"][i % 3];
            csv.push_str(&format!("bench-app {i},{tier},{status},{tags}\n"));
        }
        let res = client
            .post(target.url("/api/v1/applications/import"))
            .bearer_auth(&token)
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .send()
            .await?;
        if res.status() != StatusCode::CREATED {
            bail!(
                "importing bench applications returned {}: {}",
                res.status(),
                res.text().await?
            );
        }
    }
    let url = target
        .url("/api/v1/applications?tier=P1,P2&status=active&tag=bench&q=bench-app&sort=app_id&order=asc&per_page=25");
    Ok(Plan {
        scenario: Scenario::ListApplications,
        request: Box::new(move |client| client.get(&url).bearer_auth(&token)),
        expect: StatusCode::OK,
        needs_token: false,
    })
}

/// How many services [`list_services`] lists over.
const LIST_SERVICES_POPULATION: usize = 1_000;

/// `GET /api/v1/services?type=business,technical&status=active&root=true&q=bench-svc&sort=total_cost&order=desc&per_page=25`
/// over at least 1,000 services (created at setup if missing: every fifth a top-level
/// service, the others its children; four types, four statuses, costs that vary), expecting
/// 200.
pub async fn list_services(client: &Client, target: &Target) -> anyhow::Result<Plan> {
    let token = sign_in(client, target, Scenario::ListServices).await?;
    let count_url = target.url("/api/v1/services?q=bench-svc&per_page=1");
    let existing: Value = client.get(&count_url).bearer_auth(&token).send().await?.json().await?;
    let have = existing["meta"]["total"].as_u64().unwrap_or(0) as usize;
    let mut parent: Option<String> = None;
    for i in have..LIST_SERVICES_POPULATION {
        let kind = ["business", "technical", "application", "infrastructure"][i % 4];
        let status = ["active", "design", "deprecated", "retired"][(i / 4) % 4];
        let mut body = json!({"name": format!("bench-svc {i}"), "type": kind, "status": status,
            "cost_people": (i % 97) as f64 * 10.5, "cost_technology": (i % 13) as f64});
        if i % 5 != 0 {
            body["parent_service_id"] = json!(parent);
        }
        let res = client
            .post(target.url("/api/v1/services"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("creating bench service {i} returned {}", res.status());
        }
        if i % 5 == 0 {
            let created: Value = res.json().await?;
            parent = created["id"].as_str().map(str::to_owned);
        }
    }
    let url = target.url(
        "/api/v1/services?type=business,technical&status=active&root=true&q=bench-svc&sort=total_cost&order=desc&per_page=25",
    );
    Ok(Plan {
        scenario: Scenario::ListServices,
        request: Box::new(move |client| client.get(&url).bearer_auth(&token)),
        expect: StatusCode::OK,
        needs_token: false,
    })
}

/// The CMDB's layers: a relationship goes from a CI of one layer to one of the layer below,
/// so no path is longer than `CMDB_LAYERS - 1` steps.
const CMDB_LAYERS: usize = 10;
/// The marker in the name of every seeded CI.
const CMDB_MARKER: &str = "bench-ci";

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A deterministic pseudo-random number below `n` from `i`.
fn spread(i: usize, n: usize) -> usize {
    let x = (i as u64)
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    ((x >> 33) % n.max(1) as u64) as usize
}

/// Seeds, once and idempotently (by the `bench-ci` marker and counts), a layered CMDB of
/// `cis` CIs and `relationships` `depends_on` relationships, each from a CI to one of the
/// layer below (depth ≤ 10), with concurrent HTTP POSTs; returns a token and the CI ids in
/// number order. (The CSV import may replace the POSTs later.)
pub async fn seed_cmdb(
    client: &Client,
    target: &Target,
    cis: usize,
    relationships: usize,
) -> anyhow::Result<(String, Vec<String>)> {
    let token = sign_in(client, target, Scenario::ImpactAnalysis).await?;
    let count = |url: String| {
        let token = token.clone();
        async move {
            let v: Value = client.get(url).bearer_auth(&token).send().await?.json().await?;
            anyhow::Ok(v["meta"]["total"].as_u64().unwrap_or(0) as usize)
        }
    };
    let have = count(target.url(&format!("/api/v1/cmdb/cis?q={CMDB_MARKER}&per_page=1"))).await?;
    let mut tasks = tokio::task::JoinSet::new();
    for i in have..cis {
        let (client, url, token) = (client.clone(), target.url("/api/v1/cmdb/cis"), token.clone());
        let os = ["Ubuntu 22.04", "Debian 12", "RHEL 9"][i % 3];
        let body = json!({"name": format!("{CMDB_MARKER} {i:06}"), "ci_class": "server", "environment": "production",
            "attributes": {"os": os, "cpu_cores": 1 + i % 16}, "discovered_by": "bench"});
        tasks.spawn(async move { client.post(url).bearer_auth(token).json(&body).send().await });
        while tasks.len() >= 16 {
            if let Some(r) = tasks.join_next().await {
                let res = r??;
                if !res.status().is_success() {
                    bail!("creating a bench CI returned {}", res.status());
                }
            }
        }
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let mut ids = Vec::with_capacity(cis);
    for page in 1.. {
        let url = target.url(&format!(
            "/api/v1/cmdb/cis?q={CMDB_MARKER}&sort=number&per_page=100&page={page}"
        ));
        let v: Value = client.get(url).bearer_auth(&token).send().await?.json().await?;
        let data = v["data"].as_array().cloned().unwrap_or_default();
        if data.is_empty() {
            break;
        }
        ids.extend(data.iter().filter_map(|c| c["id"].as_str().map(str::to_owned)));
    }
    let have = count(target.url("/api/v1/cmdb/relationships?relationship_type=depends_on&per_page=1")).await?;
    let per_layer = (ids.len() / CMDB_LAYERS).max(1);
    for i in have..relationships.max(have) {
        if ids.len() < 2 * per_layer {
            break;
        }
        let layer = 1 + spread(i, CMDB_LAYERS - 1);
        let from = layer * per_layer + spread(i * 7 + 1, per_layer);
        let to = (layer - 1) * per_layer + spread(i * 13 + 5, per_layer);
        let (Some(s), Some(t)) = (ids.get(from), ids.get(to)) else {
            continue;
        };
        let body = json!({"source_ci_id": s, "target_ci_id": t, "relationship_type": "depends_on"});
        let (client, url, token) = (client.clone(), target.url("/api/v1/cmdb/relationships"), token.clone());
        tasks.spawn(async move { client.post(url).bearer_auth(token).json(&body).send().await });
        while tasks.len() >= 16 {
            if let Some(r) = tasks.join_next().await {
                let res = r??;
                if !res.status().is_success() && res.status() != StatusCode::CONFLICT {
                    bail!("creating a bench relationship returned {}", res.status());
                }
            }
        }
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    Ok((token, ids))
}

/// `GET /api/v1/cmdb/cis/{id}/impact?depth=10`, downstream, from CIs taken in turn from the
/// seeded CMDB, expecting 200.
pub async fn impact_analysis(client: &Client, target: &Target) -> anyhow::Result<Plan> {
    let cis = env_count("FIRELATER_BENCH_CMDB_CIS", 50_000);
    let rels = env_count("FIRELATER_BENCH_CMDB_RELATIONSHIPS", 200_000);
    let (token, ids) = seed_cmdb(client, target, cis, rels).await?;
    if ids.is_empty() {
        bail!("the bench CMDB has no CIs");
    }
    let urls: Vec<String> = (0..1024)
        .map(|i| {
            target.url(&format!(
                "/api/v1/cmdb/cis/{}/impact?depth=10",
                ids[spread(i, ids.len())]
            ))
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    Ok(Plan {
        scenario: Scenario::ImpactAnalysis,
        request: Box::new(move |client| {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            client.get(&urls[i % urls.len()]).bearer_auth(&token)
        }),
        expect: StatusCode::OK,
        needs_token: false,
    })
}

/// `GET /api/v1/cmdb/cis?attr.os=Debian%2012&environment=production&sort=name&per_page=25`
/// over the seeded CMDB, expecting 200.
pub async fn list_cis(client: &Client, target: &Target) -> anyhow::Result<Plan> {
    let cis = env_count("FIRELATER_BENCH_CMDB_CIS", 50_000);
    let rels = env_count("FIRELATER_BENCH_CMDB_RELATIONSHIPS", 200_000);
    let (token, _) = seed_cmdb(client, target, cis, rels).await?;
    let url = target.url("/api/v1/cmdb/cis?attr.os=Debian%2012&environment=production&sort=name&per_page=25");
    Ok(Plan {
        scenario: Scenario::ListCis,
        request: Box::new(move |client| client.get(&url).bearer_auth(&token)),
        expect: StatusCode::OK,
        needs_token: false,
    })
}

async fn sign_in(client: &Client, target: &Target, scenario: Scenario) -> anyhow::Result<String> {
    let password = target.password(scenario)?;
    let response = client
        .post(target.url(LOGIN_PATH))
        .json(&login_body(target, password))
        .send()
        .await
        .context("login request failed")?;
    let status = response.status();
    let body = response.bytes().await.context("reading the login response failed")?;
    if status != StatusCode::OK {
        bail!("login returned {status}, expected 200 OK");
    }
    access_token(&body).context("login response has no access_token")
}

/// `GET /api/v1/auth/me` with a bearer token from one login at setup, expecting 200.
pub async fn me(client: &Client, target: &Target) -> anyhow::Result<Plan> {
    let token = sign_in(client, target, Scenario::Me).await?;
    let url = target.url("/api/v1/auth/me");
    Ok(Plan {
        scenario: Scenario::Me,
        request: Box::new(move |client| client.get(&url).bearer_auth(&token)),
        expect: StatusCode::OK,
        needs_token: false,
    })
}

fn login_plan(scenario: Scenario, target: &Target, password: &str, expect: StatusCode) -> Plan {
    let url = target.url(LOGIN_PATH);
    let body = login_body(target, password);
    Plan {
        scenario,
        request: Box::new(move |client| client.post(&url).json(&body)),
        expect,
        needs_token: expect == StatusCode::OK,
    }
}

fn login_body(target: &Target, password: &str) -> Value {
    json!({ "tenant": target.tenant, "email": target.email, "password": password })
}

/// The non-empty `access_token` of a login response body, if it has one.
fn access_token(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let token = value.get("access_token")?.as_str()?;
    (!token.is_empty()).then(|| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_token_is_read_from_a_login_body() {
        assert_eq!(access_token(br#"{"access_token":"abc"}"#).as_deref(), Some("abc"));
        assert_eq!(access_token(br#"{"access_token":""}"#), None);
        assert_eq!(access_token(br#"{"code":"unauthorized"}"#), None);
        assert_eq!(access_token(b"not json"), None);
    }
}
