//! Configuration: `FIRELATER_*` environment variables over an optional `firelater.toml`, over
//! defaults that need nothing. Every value is checked at start-up; a bad one stops the process
//! with one line naming the setting.

use firelater_service::password::HashLimits;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// `sqlite:…` or `postgres://…`. On PostgreSQL with [`Config::migrate_database_url`] set,
    /// the runtime login role: a member of `firelater_app` that owns nothing.
    pub database_url: String,
    /// PostgreSQL only: the schema owner's URL, for migrations. When absent, the
    /// `database_url`'s user owns the schema, runs the migrations and the application switches
    /// to `firelater_app` (development and tests; ADR 0011).
    pub migrate_database_url: Option<String>,
    /// Folder for attachments and other files.
    pub data_dir: PathBuf,
    /// Email of the first administrator, used on first start.
    pub admin_email: Option<String>,
    /// Password of the first administrator; generated and printed when absent.
    pub admin_password: Option<String>,
    /// Token signing secret; generated and kept in the database when absent.
    pub jwt_secret: Option<String>,
    /// The instance operator's bearer token for `/api/v1/platform`; without one the platform
    /// API does not exist.
    pub platform_admin_token: Option<String>,
    /// The bearer token `/metrics` requires; without one `/metrics` is open.
    pub metrics_token: Option<String>,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// Tracing filter, e.g. `info,firelater=debug`.
    pub log_filter: String,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Longest a request may take.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request head; also how long a kept-alive
    /// connection may stay idle.
    pub header_read_timeout: Duration,
    /// Most HTTP connections served at once.
    pub max_connections: usize,
    /// CORS origins.
    pub cors_origins: Vec<String>,
    /// Logins per IP per minute; 0 turns the limit off.
    pub login_rate_per_minute: u32,
    /// Logins per IP in a burst.
    pub login_burst: u32,
    /// Consecutive failed logins that lock an account; 0 turns lockout off.
    pub lockout_threshold: u32,
    /// Minutes an account stays locked.
    pub lockout_minutes: u32,
    /// Most database connections.
    pub db_max_connections: u32,
    /// Password hashes running at once, callers waiting for one and for how long (ADR 0012).
    pub hash_limits: HashLimits,
    /// Whether `serve` also runs the job workers.
    pub run_workers: bool,
    /// How long finished jobs and handed-on events (with their consumers' receipts) are kept.
    pub retention: Duration,
    /// How often the retention job runs.
    pub retention_interval: Duration,
    /// How long a worker's claim on a job lasts: a job whose worker died runs again after it.
    pub job_lease: Duration,
    /// The URL people use to reach FireLater, for messages.
    pub public_url: Option<String>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A setting that could not be used.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// The settings as read from the file and the environment, before checking.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    listen: Option<String>,
    database_url: Option<String>,
    migrate_database_url: Option<String>,
    data_dir: Option<String>,
    admin_email: Option<String>,
    admin_password: Option<String>,
    jwt_secret: Option<String>,
    platform_admin_token: Option<String>,
    metrics_token: Option<String>,
    log_format: Option<String>,
    log: Option<String>,
    body_limit: Option<String>,
    request_timeout: Option<String>,
    header_read_timeout: Option<String>,
    max_connections: Option<String>,
    cors_origins: Option<String>,
    login_rate_per_minute: Option<String>,
    login_burst: Option<String>,
    lockout_threshold: Option<String>,
    lockout_minutes: Option<String>,
    db_max_connections: Option<String>,
    hash_concurrency: Option<String>,
    hash_queue_max: Option<String>,
    hash_queue_timeout_ms: Option<String>,
    workers: Option<String>,
    public_url: Option<String>,
    retention_days: Option<String>,
    retention_interval: Option<String>,
    job_lease: Option<String>,
}

/// The names of every setting, as `FIRELATER_<NAME>` and as keys in `firelater.toml`.
pub const SETTINGS: &[&str] = &[
    "listen",
    "database_url",
    "migrate_database_url",
    "data_dir",
    "admin_email",
    "admin_password",
    "jwt_secret",
    "platform_admin_token",
    "metrics_token",
    "log_format",
    "log",
    "body_limit",
    "request_timeout",
    "header_read_timeout",
    "max_connections",
    "cors_origins",
    "login_rate_per_minute",
    "login_burst",
    "lockout_threshold",
    "lockout_minutes",
    "db_max_connections",
    "hash_concurrency",
    "hash_queue_max",
    "hash_queue_timeout_ms",
    "workers",
    "public_url",
    "retention_days",
    "retention_interval",
    "job_lease",
];

fn bad(name: &str, value: &str, why: &str) -> ConfigError {
    ConfigError(format!("invalid FIRELATER_{}={value:?}: {why}", name.to_uppercase()))
}

fn parse_num<T>(name: &str, v: &str, min: T, max: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let n: T = v
        .trim()
        .parse()
        .map_err(|_| bad(name, v, &format!("must be a whole number from {min} to {max}")))?;
    if n < min || n > max {
        return Err(bad(name, v, &format!("must be a whole number from {min} to {max}")));
    }
    Ok(n)
}

fn parse_bool(name: &str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(bad(name, v, "must be true or false")),
    }
}

impl Config {
    /// Loads the configuration from `file` (when it exists) and the environment `env`.
    pub fn load(file: Option<&std::path::Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut raw: Raw = match file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
                let table: toml::Table =
                    toml::from_str(&text).map_err(|e| ConfigError(format!("invalid {}: {e}", path.display())))?;
                let mut strings = toml::Table::new();
                for (k, v) in table {
                    let s = match v {
                        toml::Value::String(s) => s,
                        toml::Value::Array(items) => items
                            .iter()
                            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                            .collect::<Vec<_>>()
                            .join(","),
                        other => other.to_string(),
                    };
                    strings.insert(k, toml::Value::String(s));
                }
                strings
                    .try_into()
                    .map_err(|e| ConfigError(format!("invalid {}: {e}", path.display())))?
            }
            _ => Raw::default(),
        };
        macro_rules! overlay {
            ($($field:ident),*) => {$(
                if let Some(v) = env(&format!("FIRELATER_{}", stringify!($field).to_uppercase())) {
                    raw.$field = Some(v);
                }
            )*};
        }
        overlay!(
            listen,
            database_url,
            migrate_database_url,
            data_dir,
            admin_email,
            admin_password,
            jwt_secret,
            platform_admin_token,
            metrics_token,
            log_format,
            log,
            body_limit,
            request_timeout,
            header_read_timeout,
            max_connections,
            cors_origins,
            login_rate_per_minute,
            login_burst,
            lockout_threshold,
            lockout_minutes,
            db_max_connections,
            hash_concurrency,
            hash_queue_max,
            hash_queue_timeout_ms,
            workers,
            public_url,
            retention_days,
            retention_interval,
            job_lease
        );
        Self::check(raw)
    }

    fn check(raw: Raw) -> Result<Self, ConfigError> {
        let listen_s = raw.listen.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let listen = listen_s
            .trim()
            .parse()
            .map_err(|_| bad("listen", &listen_s, "must be host:port, e.g. 127.0.0.1:8080"))?;
        let database_url = raw
            .database_url
            .unwrap_or_else(|| "sqlite:./data/firelater.db".to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "database_url",
                &database_url,
                "must start with sqlite: or postgres://",
            ));
        }
        let migrate_database_url = raw.migrate_database_url.filter(|u| !u.trim().is_empty());
        if let Some(u) = &migrate_database_url {
            if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) {
                return Err(bad(
                    "migrate_database_url",
                    "<hidden>",
                    "must start with postgres:// (it names the schema owner of a PostgreSQL database)",
                ));
            }
            if database_url.starts_with("sqlite:") {
                return Err(bad(
                    "migrate_database_url",
                    "<hidden>",
                    "is for PostgreSQL only; FIRELATER_DATABASE_URL is a SQLite file",
                ));
            }
        }
        let data_dir = PathBuf::from(raw.data_dir.unwrap_or_else(|| "./data/files".to_owned()));
        let log_format = match raw.log_format.as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(bad("log_format", other, "must be text or json")),
        };
        if let Some(e) = &raw.admin_email {
            firelater_core::validate::email("admin_email", e)
                .map_err(|_| bad("admin_email", e, "must be an email address"))?;
        }
        if let Some(p) = &raw.admin_password {
            firelater_core::validate::password("admin_password", p).map_err(|e| {
                bad(
                    "admin_password",
                    "<hidden>",
                    e.fields.values().flatten().next().map_or("is too weak", String::as_str),
                )
            })?;
        }
        if raw.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(bad("jwt_secret", "<hidden>", "must be at least 32 characters"));
        }
        for (name, token) in [
            ("platform_admin_token", &raw.platform_admin_token),
            ("metrics_token", &raw.metrics_token),
        ] {
            let Some(t) = token else { continue };
            if t.len() < 32 {
                return Err(bad(name, "<hidden>", "must be at least 32 characters"));
            }
            if !t.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(bad(name, "<hidden>", "must be visible ASCII characters without spaces"));
            }
        }
        let body_limit = match raw.body_limit {
            Some(v) => parse_num("body_limit", &v, 1024usize, 1024 * 1024 * 1024)?,
            None => 1024 * 1024,
        };
        let request_timeout = match raw.request_timeout {
            Some(v) => Duration::from_secs(parse_num("request_timeout", &v, 1u64, 3600)?),
            None => Duration::from_secs(30),
        };
        let header_read_timeout = match raw.header_read_timeout {
            Some(v) => Duration::from_secs(parse_num("header_read_timeout", &v, 1u64, 300)?),
            None => Duration::from_secs(10),
        };
        let max_connections = match raw.max_connections {
            Some(v) => parse_num("max_connections", &v, 1usize, 1_000_000)?,
            None => 1024,
        };
        let cors_origins: Vec<String> = raw
            .cors_origins
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        for o in &cors_origins {
            if !(o.starts_with("http://") || o.starts_with("https://")) || axum::http::HeaderValue::from_str(o).is_err()
            {
                return Err(bad(
                    "cors_origins",
                    o,
                    "each origin must be like https://app.example.com",
                ));
            }
        }
        let login_rate_per_minute = match raw.login_rate_per_minute {
            Some(v) => parse_num("login_rate_per_minute", &v, 0u32, 1_000_000)?,
            None => 10,
        };
        let login_burst = match raw.login_burst {
            Some(v) => parse_num("login_burst", &v, 1u32, 1_000_000)?,
            None => 10,
        };
        let lockout_threshold = match raw.lockout_threshold {
            Some(v) => parse_num("lockout_threshold", &v, 0u32, 1000)?,
            None => 5,
        };
        let lockout_minutes = match raw.lockout_minutes {
            Some(v) => parse_num("lockout_minutes", &v, 1u32, 7 * 24 * 60)?,
            None => 15,
        };
        let db_max_connections = match raw.db_max_connections {
            Some(v) => parse_num("db_max_connections", &v, 1u32, 1000)?,
            None => 16,
        };
        let hash_concurrency = match raw.hash_concurrency {
            Some(v) => parse_num("hash_concurrency", &v, 1usize, 1024)?,
            None => HashLimits::default().concurrency,
        };
        let mut hash_limits = HashLimits::for_concurrency(hash_concurrency);
        if let Some(v) = raw.hash_queue_max {
            hash_limits.max_waiters = parse_num("hash_queue_max", &v, 0usize, 1_000_000)?;
        }
        if let Some(v) = raw.hash_queue_timeout_ms {
            hash_limits.queue_timeout = Duration::from_millis(parse_num("hash_queue_timeout_ms", &v, 0u64, 600_000)?);
        }
        let run_workers = match raw.workers {
            Some(v) => parse_bool("workers", &v)?,
            None => true,
        };
        let retention = match raw.retention_days {
            Some(v) => Duration::from_secs(86_400 * parse_num("retention_days", &v, 1u64, 36_500)?),
            None => Duration::from_secs(30 * 86_400),
        };
        let retention_interval = match raw.retention_interval {
            Some(v) => Duration::from_secs(parse_num("retention_interval", &v, 60u64, 7 * 86_400)?),
            None => Duration::from_secs(3600),
        };
        let job_lease = match raw.job_lease {
            Some(v) => Duration::from_secs(parse_num("job_lease", &v, 1u64, 86_400)?),
            None => Duration::from_secs(300),
        };
        Ok(Self {
            listen,
            database_url,
            migrate_database_url,
            data_dir,
            admin_email: raw.admin_email,
            admin_password: raw.admin_password,
            jwt_secret: raw.jwt_secret,
            platform_admin_token: raw.platform_admin_token,
            metrics_token: raw.metrics_token,
            log_format,
            log_filter: raw.log.unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".to_owned()),
            body_limit,
            request_timeout,
            header_read_timeout,
            max_connections,
            cors_origins,
            login_rate_per_minute,
            login_burst,
            lockout_threshold,
            lockout_minutes,
            db_max_connections,
            hash_limits,
            run_workers,
            public_url: raw.public_url,
            retention,
            retention_interval,
            job_lease,
        })
    }

    /// The URL to show people.
    pub fn display_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load(None, |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_nothing() {
        let c = load(&[]).expect("defaults are valid");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite:./data/firelater.db");
        assert_eq!(c.body_limit, 1024 * 1024);
    }

    #[test]
    fn password_hashing_is_bounded_by_default_and_configurable() {
        let c = load(&[]).expect("defaults");
        assert!(c.hash_limits.concurrency >= 1);
        assert_eq!(
            c.hash_limits.max_waiters,
            c.hash_limits.concurrency * HashLimits::WAITERS_PER_SLOT
        );
        assert_eq!(c.hash_limits.queue_timeout, Duration::from_millis(2000));
        let c = load(&[
            ("FIRELATER_HASH_CONCURRENCY", "3"),
            ("FIRELATER_HASH_QUEUE_MAX", "0"),
            ("FIRELATER_HASH_QUEUE_TIMEOUT_MS", "250"),
        ])
        .expect("valid");
        assert_eq!(
            c.hash_limits,
            HashLimits {
                concurrency: 3,
                max_waiters: 0,
                queue_timeout: Duration::from_millis(250),
            }
        );
        let c = load(&[("FIRELATER_HASH_CONCURRENCY", "2")]).expect("valid");
        assert_eq!(c.hash_limits.max_waiters, 2 * HashLimits::WAITERS_PER_SLOT);
        let e = load(&[("FIRELATER_HASH_CONCURRENCY", "0")]).expect_err("no slots");
        assert!(e.0.contains("FIRELATER_HASH_CONCURRENCY"), "{e}");
    }

    #[test]
    fn retention_keeps_30_days_purged_hourly_by_default_and_is_configurable() {
        let c = load(&[]).expect("defaults");
        assert_eq!(c.retention, Duration::from_secs(30 * 86_400));
        assert_eq!(c.retention_interval, Duration::from_secs(3600));
        let c = load(&[
            ("FIRELATER_RETENTION_DAYS", "7"),
            ("FIRELATER_RETENTION_INTERVAL", "600"),
        ])
        .expect("valid");
        assert_eq!(c.retention, Duration::from_secs(7 * 86_400));
        assert_eq!(c.retention_interval, Duration::from_secs(600));
        let e = load(&[("FIRELATER_RETENTION_DAYS", "0")]).expect_err("nothing kept");
        assert!(e.0.contains("FIRELATER_RETENTION_DAYS"), "{e}");
        let e = load(&[("FIRELATER_RETENTION_INTERVAL", "5")]).expect_err("too often");
        assert!(e.0.contains("FIRELATER_RETENTION_INTERVAL"), "{e}");
    }

    #[test]
    fn a_job_lease_lasts_five_minutes_by_default_and_is_configurable() {
        assert_eq!(load(&[]).expect("defaults").job_lease, Duration::from_secs(300));
        let c = load(&[("FIRELATER_JOB_LEASE", "3")]).expect("valid");
        assert_eq!(c.job_lease, Duration::from_secs(3));
        let e = load(&[("FIRELATER_JOB_LEASE", "0")]).expect_err("no lease");
        assert!(e.0.contains("FIRELATER_JOB_LEASE"), "{e}");
    }

    #[test]
    fn a_bad_value_names_its_setting() {
        let e = load(&[("FIRELATER_LISTEN", "nowhere")]).expect_err("bad listen");
        assert!(e.0.contains("FIRELATER_LISTEN"), "{e}");
        let e = load(&[("FIRELATER_DATABASE_URL", "mysql://x")]).expect_err("bad url");
        assert!(e.0.contains("FIRELATER_DATABASE_URL"), "{e}");
        let e = load(&[("FIRELATER_BODY_LIMIT", "-5")]).expect_err("bad limit");
        assert!(e.0.contains("FIRELATER_BODY_LIMIT"), "{e}");
    }

    #[test]
    fn the_migrate_database_url_is_optional_and_for_postgresql_only() {
        assert!(load(&[]).expect("defaults").migrate_database_url.is_none());
        let c = load(&[
            ("FIRELATER_DATABASE_URL", "postgres://rt@db/fl"),
            ("FIRELATER_MIGRATE_DATABASE_URL", "postgres://owner:secret@db/fl"),
        ])
        .expect("two roles");
        assert_eq!(c.migrate_database_url.as_deref(), Some("postgres://owner:secret@db/fl"));
        let e = load(&[("FIRELATER_MIGRATE_DATABASE_URL", "postgres://owner:secret@db/fl")])
            .expect_err("SQLite has no roles");
        assert!(e.0.contains("FIRELATER_MIGRATE_DATABASE_URL"), "{e}");
        let e = load(&[
            ("FIRELATER_DATABASE_URL", "postgres://rt@db/fl"),
            ("FIRELATER_MIGRATE_DATABASE_URL", "mysql://owner:secret@db/fl"),
        ])
        .expect_err("not PostgreSQL");
        assert!(e.0.contains("FIRELATER_MIGRATE_DATABASE_URL"), "{e}");
        assert!(!e.0.contains("secret"), "the URL's password is not echoed: {e}");
    }

    #[test]
    fn the_platform_admin_token_is_optional_and_at_least_32_visible_characters() {
        assert!(load(&[]).expect("defaults").platform_admin_token.is_none());
        let token = "p".repeat(31) + "!";
        let c = load(&[("FIRELATER_PLATFORM_ADMIN_TOKEN", token.as_str())]).expect("valid token");
        assert_eq!(c.platform_admin_token.as_deref(), Some(token.as_str()));
        for bad in ["short-token", &format!("{} with spaces", "x".repeat(32))] {
            let e = load(&[("FIRELATER_PLATFORM_ADMIN_TOKEN", bad)]).expect_err("bad token");
            assert!(e.0.contains("FIRELATER_PLATFORM_ADMIN_TOKEN"), "{e}");
            assert!(!e.0.contains(bad), "the token is not echoed: {e}");
        }
    }

    #[test]
    fn the_metrics_token_is_optional_and_at_least_32_visible_characters() {
        assert!(load(&[]).expect("defaults").metrics_token.is_none());
        let token = "m".repeat(32);
        let c = load(&[("FIRELATER_METRICS_TOKEN", token.as_str())]).expect("valid token");
        assert_eq!(c.metrics_token.as_deref(), Some(token.as_str()));
        let e = load(&[("FIRELATER_METRICS_TOKEN", "short")]).expect_err("short token");
        assert!(e.0.contains("FIRELATER_METRICS_TOKEN"), "{e}");
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("firelater-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("firelater.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\nbody_limit = 2048\ncors_origins = [\"https://a.example\"]\n",
        )
        .expect("write");
        let c = Config::load(Some(&path), |k| {
            (k == "FIRELATER_LISTEN").then(|| "127.0.0.1:9100".to_owned())
        })
        .expect("valid");
        assert_eq!(c.listen.port(), 9100);
        assert_eq!(c.body_limit, 2048);
        assert_eq!(c.cors_origins, vec!["https://a.example".to_owned()]);
        std::fs::write(&path, "lisen = \"x\"\n").expect("write");
        assert!(Config::load(Some(&path), |_| None).is_err(), "unknown keys are refused");
    }
}
