//! The `firelater` binary's wiring: configuration, start-up (migrations, first tenant and
//! administrator), the HTTP server and the workers, and graceful shutdown.

pub mod config;
pub mod serve;
pub mod tenant_io;
pub mod web;

use anyhow::Context;
use base64::Engine;
pub use config::{Config, LogFormat};
use firelater_api::{ApiConfig, AppState, LoginLimit};
use firelater_core::Clock;
use firelater_db::{Db, DbOptions};
use firelater_service::{AuthSettings, Services};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Installs the process-wide metrics recorder once and hands out its renderer.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ])
                .unwrap_or_else(|_| PrometheusBuilder::new());
            match builder.install_recorder() {
                Ok(h) => h,
                // A recorder was installed elsewhere in this process; render an empty one.
                Err(_) => PrometheusBuilder::new().build_recorder().handle(),
            }
        })
        .clone()
}

/// Sets up logging as configured.
pub fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn db_options(config: &Config) -> DbOptions {
    DbOptions {
        max_connections: config.db_max_connections,
        ..DbOptions::default()
    }
}

fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    Ok(())
}

/// Connects, runs the migrations, and returns the application's pool.
///
/// With `FIRELATER_MIGRATE_DATABASE_URL` (PostgreSQL), the migrations run as that URL's user,
/// the schema owner, and the pool logs in as `FIRELATER_DATABASE_URL`'s runtime role without
/// any role switch; start-up is refused when that role could step around row-level security
/// (a superuser, `BYPASSRLS`, an owner, …). Without it, the one URL's user migrates and the
/// pool switches to `firelater_app`, as development and tests do (ADR 0011).
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    ensure_sqlite_dir(&config.database_url)?;
    let opts = db_options(config);
    if let Some(migrate_url) = &config.migrate_database_url {
        let owner = Db::connect_owner(
            migrate_url,
            &DbOptions {
                max_connections: 2,
                ..opts.clone()
            },
        )
        .await
        .context("cannot connect to FIRELATER_MIGRATE_DATABASE_URL")?;
        owner.migrate().await.context("migrations failed")?;
        owner.close().await.ok();
        let db = Db::connect_runtime(&config.database_url, &opts)
            .await
            .context("cannot connect to FIRELATER_DATABASE_URL")?;
        let problems = firelater_db::admin::runtime_role_problems(db.system())
            .await
            .context("cannot inspect FIRELATER_DATABASE_URL's role")?;
        if !problems.is_empty() {
            db.close().await.ok();
            anyhow::bail!(
                "refusing to start: FIRELATER_DATABASE_URL must log in as a runtime role that row-level security binds, but {} (see README, Production)",
                problems.join("; ")
            );
        }
        return Ok(db);
    }
    let owner = Db::connect_owner(&config.database_url, &opts)
        .await
        .context("cannot connect to the database")?;
    owner.migrate().await.context("migrations failed")?;
    if owner.backend() == firelater_db::Backend::Sqlite {
        return Ok(owner);
    }
    owner.close().await.ok();
    tracing::warn!(
        "FIRELATER_DATABASE_URL logs in as the schema owner and only switches to the role {} \
         per connection, which a statement could undo; production should set \
         FIRELATER_MIGRATE_DATABASE_URL to the owner and FIRELATER_DATABASE_URL to a runtime \
         login role (README, Production; docs/adr/0011-postgresql-role-split.md)",
        firelater_db::APP_ROLE
    );
    Db::connect(&config.database_url, &opts)
        .await
        .context("cannot connect to the database as the application role")
}

/// Builds the services on an open database.
pub async fn services(config: &Config, db: Db, clock: Arc<dyn Clock>) -> anyhow::Result<Services> {
    let signing_key = match &config.jwt_secret {
        Some(s) => s.as_bytes().to_vec(),
        None => {
            let secret = firelater_db::repo::secrets::get_or_create(
                &db,
                "jwt_signing_key",
                || {
                    use rand::RngCore;
                    let mut bytes = [0u8; 48];
                    rand::rng().fill_bytes(&mut bytes);
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                },
                clock.now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot load the signing key: {e}"))?;
            secret.into_bytes()
        }
    };
    let settings = AuthSettings {
        access_ttl: chrono::Duration::minutes(15),
        refresh_ttl: chrono::Duration::days(7),
        signing_key,
        lockout_threshold: i32::try_from(config.lockout_threshold).unwrap_or(i32::MAX),
        lockout_duration: chrono::Duration::minutes(i64::from(config.lockout_minutes)),
        reset_ttl: chrono::Duration::hours(1),
        public_url: config.display_url(),
    };
    Ok(Services::new(db, clock, settings)
        .with_platform_admin_token(config.platform_admin_token.as_deref())
        .with_hash_limits(config.hash_limits))
}

/// A running FireLater: its address, its services and the means to stop it.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its services, for tests and tools that run beside it.
    pub services: Services,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops gracefully: no new connections, in-flight requests finish, claimed jobs go back.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.task.await.context("server task panicked")?
    }

    /// A sender that stops the server when `true` is sent.
    pub fn shutdown_handle(&self) -> watch::Sender<bool> {
        self.shutdown.clone()
    }

    /// Waits until the server stops by itself (a signal).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task panicked")?
    }
}

/// Starts FireLater: migrations, first start, HTTP server and (unless turned off) workers.
/// Prints the first administrator's credentials once when it creates them.
pub async fn start(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create FIRELATER_DATA_DIR {}", config.data_dir.display()))?;
    let db = open_database(&config).await?;
    let services = services(&config, db, clock).await?;
    if let Some(boot) = services
        .bootstrap(config.admin_email.clone(), config.admin_password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("first start failed: {e}"))?
    {
        let url = config.display_url();
        if boot.password_generated {
            println!(
                "FireLater is ready at {url}\n  tenant:   {}\n  email:    {}\n  password: {}\nThis password is shown only once; change it after signing in.",
                boot.tenant.slug, boot.admin.email, boot.password
            );
        } else {
            println!(
                "FireLater is ready at {url}; sign in to tenant {} as {}.",
                boot.tenant.slug, boot.admin.email
            );
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on FIRELATER_LISTEN {}", config.listen))?;
    let addr = listener.local_addr()?;
    let api_config = ApiConfig {
        body_limit: config.body_limit,
        request_timeout: config.request_timeout,
        cors_origins: config.cors_origins.clone(),
        login_per_minute: config.login_rate_per_minute,
        login_burst: config.login_burst,
        metrics_token: config.metrics_token.clone(),
    };
    let limit = LoginLimit::new(config.login_rate_per_minute, config.login_burst);
    let state = AppState {
        services: services.clone(),
        config: Arc::new(api_config),
        metrics: metrics_handle(),
    };
    let https = config.display_url().starts_with("https://");
    let security = firelater_api::security::SecurityHeaders { hsts: https };
    // Outermost, around the web app too (it is the API router's fallback, outside its layers):
    // nothing leaves without the security headers, and an oversized head is refused first.
    let app = web::with_web_app(firelater_api::router(state, limit.as_ref())?)
        .layer(axum::middleware::from_fn(firelater_api::security::head_limits))
        .layer(axum::middleware::from_fn_with_state(
            security,
            firelater_api::security::headers,
        ));
    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    let mut background = Vec::new();
    if config.run_workers {
        background.extend(spawn_workers(&config, &services, shutdown_rx.clone()));
    }
    if let Some(limit) = limit {
        let mut rx = shutdown_rx.clone();
        background.push(tokio::spawn(async move {
            while !*rx.borrow() {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(60)) => limit.forget_idle(),
                    _ = rx.changed() => {}
                }
            }
        }));
    }

    let limits = serve::ServeLimits {
        header_read_timeout: config.header_read_timeout,
        max_connections: config.max_connections,
        grace: config.request_timeout + config.header_read_timeout + Duration::from_secs(1),
    };
    let mut server_rx = shutdown_rx.clone();
    let stop_tx = shutdown_tx.clone();
    let task_services = services.clone();
    let task = tokio::spawn(async move {
        let signal = async move {
            tokio::select! {
                _ = server_rx.wait_for(|v| *v) => {}
                _ = shutdown_signal() => tracing::info!("shutdown signal received"),
            }
        };
        let result = serve::serve(listener, app, limits, signal).await;
        let _ = stop_tx.send(true);
        for t in background {
            let _ = t.await;
        }
        task_services.db.clone().close().await.ok();
        tracing::info!("stopped");
        result.context("HTTP server failed")
    });
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        services,
        shutdown: shutdown_tx,
        task,
    })
}

/// The built-in jobs' settings from the configuration. `FIRELATER_EVENT_LEDGER=1` turns on the
/// diagnostic consumer the crash tests count completions with; it is no setting of its own.
pub fn job_settings(config: &Config) -> firelater_jobs::JobSettings {
    let chrono = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    firelater_jobs::JobSettings {
        retention: chrono(config.retention),
        retention_interval: chrono(config.retention_interval),
        event_ledger: std::env::var("FIRELATER_EVENT_LEDGER").is_ok_and(|v| v == "1"),
    }
}

/// Spawns the job worker and the outbox relay. The worker enqueues the recurring jobs
/// (retention) when none is live.
pub fn spawn_workers(config: &Config, services: &Services, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let (events, _) = tokio::sync::broadcast::channel(1024);
    let registry = firelater_jobs::registry(&job_settings(config));
    let mut worker = firelater_jobs::WorkerConfig::new(firelater_service::jobs::DEFAULT_QUEUE);
    worker.lease = chrono::Duration::from_std(config.job_lease).unwrap_or(worker.lease);
    vec![
        tokio::spawn(firelater_jobs::run_worker(
            services.clone(),
            registry.clone(),
            worker,
            shutdown.clone(),
        )),
        tokio::spawn(firelater_jobs::run_relay(
            services.clone(),
            registry,
            events,
            Duration::from_millis(500),
            shutdown,
        )),
    ]
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
