//! The test harness: [`TestApp`] starts the real server on a random loopback port against a
//! fresh database (a temporary SQLite file, or with `FIRELATER_TEST_DATABASE_URL` a new
//! PostgreSQL database per test, so tests run in parallel), signs in its administrator and
//! hands out an HTTP client.

use firelater_core::clock::FakeClock;
use firelater_core::{Clock, SystemClock};
use firelater_server::{Config, Running};
use firelater_service::Services;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

pub use firelater_core::clock::FakeClock as Clockwork;

/// The first administrator's email in every test app.
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// The first administrator's password in every test app.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The PostgreSQL server tests use, when set.
pub fn postgres_url() -> Option<String> {
    std::env::var("FIRELATER_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// `url` logging in as `user` (no password: the test server trusts loopback connections).
pub fn with_user(url: &str, user: &str) -> String {
    let mut u = reqwest::Url::parse(url).expect("database URL");
    u.set_username(user).expect("a URL with a host");
    u.set_password(None).expect("a URL with a host");
    u.to_string()
}

/// A fresh database for one test, removed by [`TestDb::remove`].
pub struct TestDb {
    /// Its URL.
    pub url: String,
    dir: PathBuf,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A new empty database.
    pub async fn new() -> Self {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let dir = std::env::temp_dir().join(format!("firelater-test-{id}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        match postgres_url() {
            Some(admin) => {
                let name = format!("fl_test_{id}");
                firelater_db::admin::create_database(&admin, &name)
                    .await
                    .expect("create test database");
                let url = firelater_db::admin::with_database(&admin, &name);
                Self {
                    url,
                    dir,
                    pg: Some((admin, name)),
                }
            }
            None => Self {
                url: format!("sqlite:{}", dir.join("firelater.db").display()),
                dir,
                pg: None,
            },
        }
    }

    /// On PostgreSQL, the server's administrator URL and this database's name.
    pub fn postgres(&self) -> Option<(&str, &str)> {
        self.pg.as_ref().map(|(admin, name)| (admin.as_str(), name.as_str()))
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// The folder for files.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Drops the database and its files.
    pub async fn remove(self) {
        if let Some((admin, name)) = &self.pg {
            let _ = firelater_db::admin::drop_database(admin, name).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A change to the configuration before start.
type Tweak = Box<dyn FnOnce(&mut Config)>;

/// How to start a [`TestApp`].
pub struct TestAppBuilder {
    db: Option<TestDb>,
    clock: Option<FakeClock>,
    workers: bool,
    login: bool,
    tweak: Vec<Tweak>,
}

impl TestAppBuilder {
    /// Uses a fake clock that the test moves.
    pub fn fake_clock(mut self, clock: FakeClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Runs on `db`, prepared by the test, instead of a fresh database.
    pub fn database(mut self, db: TestDb) -> Self {
        self.db = Some(db);
        self
    }

    /// Runs the job workers inside the server (off by default, so tests drive jobs).
    pub fn workers(mut self, on: bool) -> Self {
        self.workers = on;
        self
    }

    /// Skips signing in the administrator (for apps configured so that login cannot work).
    pub fn without_login(mut self) -> Self {
        self.login = false;
        self
    }

    /// Changes the configuration before start.
    pub fn config(mut self, f: impl FnOnce(&mut Config) + 'static) -> Self {
        self.tweak.push(Box::new(f));
        self
    }

    /// Starts the app and signs in its administrator.
    pub async fn spawn(self) -> TestApp {
        let db = match self.db {
            Some(db) => db,
            None => TestDb::new().await,
        };
        let mut config = Config::load(None, |_| None).expect("default config");
        config.listen = "127.0.0.1:0".parse().expect("addr");
        config.database_url = db.url.clone();
        config.data_dir = db.dir().join("files");
        config.admin_email = Some(ADMIN_EMAIL.to_owned());
        config.admin_password = Some(ADMIN_PASSWORD.to_owned());
        config.login_rate_per_minute = 0;
        config.run_workers = self.workers;
        config.db_max_connections = 8;
        for f in self.tweak {
            f(&mut config);
        }
        let clock: Arc<dyn Clock> = match &self.clock {
            Some(c) => Arc::new(c.clone()),
            None => Arc::new(SystemClock),
        };
        let running = firelater_server::start(config.clone(), clock)
            .await
            .expect("server starts");
        let base = format!("http://{}", running.addr);
        let client = reqwest::Client::builder().build().expect("client");
        let mut app = TestApp {
            base,
            client,
            services: running.services.clone(),
            clock: self.clock,
            config,
            running: Some(running),
            db: Some(db),
            admin_token: String::new(),
        };
        if self.login {
            let tokens = app.login("default", ADMIN_EMAIL, ADMIN_PASSWORD).await;
            app.admin_token = tokens["access_token"].as_str().expect("admin token").to_owned();
        }
        app
    }
}

/// A running FireLater for one test.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    /// The server's services, to arrange state directly.
    pub services: Services,
    /// The fake clock, when one was asked for.
    pub clock: Option<FakeClock>,
    /// The configuration it runs with.
    pub config: Config,
    /// The administrator's access token.
    pub admin_token: String,
    running: Option<Running>,
    db: Option<TestDb>,
}

impl TestApp {
    /// A builder with defaults.
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            db: None,
            clock: None,
            workers: false,
            login: true,
            tweak: Vec::new(),
        }
    }

    /// Starts an app with defaults.
    pub async fn spawn() -> Self {
        Self::builder().spawn().await
    }

    /// Whether it runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.db.as_ref().is_some_and(TestDb::is_postgres)
    }

    /// A request to `path` (relative to the server).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// A request with the administrator's token.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(&self.admin_token)
    }

    /// Signs in and returns the token response; panics unless it is a 200.
    pub async fn login(&self, tenant: &str, email: &str, password: &str) -> Value {
        let res = self.try_login(tenant, email, password).await;
        assert_eq!(res.status(), 200, "login of {email} failed");
        res.json().await.expect("json")
    }

    /// Attempts a sign-in.
    pub async fn try_login(&self, tenant: &str, email: &str, password: &str) -> Response {
        self.request(Method::POST, "/api/v1/auth/login")
            .json(&json!({"tenant": tenant, "email": email, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Creates a user as the administrator and returns the response body.
    pub async fn create_user(&self, email: &str, password: Option<&str>, roles: &[&str]) -> Value {
        let mut body = json!({"email": email, "name": email.split('@').next().unwrap_or(email), "roles": roles});
        if let Some(p) = password {
            body["password"] = json!(p);
        }
        let res = self
            .admin(Method::POST, "/api/v1/users")
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(
            res.status(),
            201,
            "create {email}: {}",
            res.text().await.unwrap_or_default()
        );
        res.json().await.expect("json")
    }

    /// The fake clock; panics when the app runs on the system clock.
    pub fn fake_clock(&self) -> &FakeClock {
        self.clock.as_ref().expect("this app was started without a fake clock")
    }

    /// Stops the server and removes its database.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean stop");
        }
        if let Some(db) = self.db.take() {
            db.remove().await;
        }
    }
}

/// A fake clock at a fixed, recent instant, whole microseconds (what PostgreSQL keeps).
pub fn fake_clock() -> FakeClock {
    use chrono::SubsecRound;
    FakeClock::new(chrono::Utc::now().trunc_subsecs(6))
}
