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
