//! `firelater`: the IT service management server in one binary.

use anyhow::Context;
use clap::{Parser, Subcommand};
use firelater_core::SystemClock;
use firelater_server::{Config, init_tracing};
use firelater_service::Ctx;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "firelater",
    version,
    about = "FireLater: IT service management in one binary"
)]
struct Cli {
    /// Configuration file (settings in FIRELATER_* variables override it).
    #[arg(long, env = "FIRELATER_CONFIG", default_value = "firelater.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the HTTP server and the workers (the default).
    Serve,
    /// Runs the database migrations and exits.
    Migrate,
    /// Runs the job workers without the HTTP server.
    Worker,
    /// Prints the OpenAPI document.
    Openapi,
    /// Manages tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Manages users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Creates a tenant with its first administrator.
    Create {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Slug used at login.
        #[arg(long)]
        slug: String,
        /// The administrator's email.
        #[arg(long)]
        admin_email: String,
        /// The administrator's password; generated and printed when absent.
        #[arg(long, env = "FIRELATER_NEW_ADMIN_PASSWORD")]
        admin_password: Option<String>,
    },
    /// Writes one tenant's data (users with password hashes, roles, groups, audit log, …) as
    /// one JSON document, for `tenant import` on another instance.
    Export {
        /// The tenant's slug.
        slug: String,
        /// The file to write (readable by its owner only); standard output when absent or `-`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Creates a tenant from an export, in one transaction; refused when its id or slug exists.
    Import {
        /// The export file; `-` for standard input.
        file: PathBuf,
    },
    /// Deletes a tenant and all its data, irreversibly.
    Delete {
        /// The tenant's slug.
        slug: String,
        /// Confirms the deletion.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates a user in a tenant.
    Create {
        /// The tenant's slug.
        #[arg(long, default_value = "default")]
        tenant: String,
        /// Email.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Password; without one the user is pending.
        #[arg(long, env = "FIRELATER_NEW_USER_PASSWORD")]
        password: Option<String>,
        /// Roles to grant (repeatable): admin, manager, agent, requester.
        #[arg(long = "role")]
        roles: Vec<String>,
    },
}

/// glibc's malloc keeps freed blocks of Argon2's 19 MiB working memory in its arenas for good
/// once its dynamic mmap threshold has risen past them, so a burst of sign-ins would leave the
/// resident set high forever. A fixed threshold (which turns the dynamic one off) makes each
/// such block its own mapping, returned to the system when freed, and two arenas per core
/// limit what the rest can hold. glibc reads these settings only from the environment before
/// `main`, so the process re-executes itself once with them set; an operator's own values win,
/// and `FIRELATER_MALLOC_TUNING=0` turns it off (ADR 0012).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc_by_reexec() {
    use std::os::unix::process::CommandExt;
    const SETTINGS: [(&str, &str); 2] = [("MALLOC_MMAP_THRESHOLD_", "131072"), ("MALLOC_ARENA_MAX", "2")];
    if std::env::var_os("FIRELATER_MALLOC_TUNING").is_some_and(|v| v == "0")
        || SETTINGS.iter().all(|(k, _)| std::env::var_os(k).is_some())
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let mut cmd = std::process::Command::new(exe);
    cmd.args(std::env::args_os().skip(1));
    for (k, v) in SETTINGS {
        if std::env::var_os(k).is_none() {
            cmd.env(k, v);
        }
    }
    // `exec` returns only when it failed (the binary was replaced or removed under us): run
    // on untuned rather than not at all.
    let err = cmd.exec();
    eprintln!("firelater: running without malloc tuning: {err}");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc_by_reexec() {}

fn main() -> ExitCode {
    tune_malloc_by_reexec();
    let cli = Cli::parse();
    let config = match Config::load(Some(&cli.config), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("firelater: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("firelater: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("firelater: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let clock = Arc::new(SystemClock);
    match command {
        Command::Serve => firelater_server::start(config, clock).await?.wait().await,
        Command::Migrate => {
            firelater_server::open_database(&config).await?;
            println!("migrations are up to date");
            Ok(())
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&firelater_api::openapi())?);
            Ok(())
        }
        Command::Worker => {
            let db = firelater_server::open_database(&config).await?;
            let services = firelater_server::services(&config, db, clock).await?;
            let (tx, rx) = tokio::sync::watch::channel(false);
            let tasks = firelater_server::spawn_workers(&config, &services, rx);
            firelater_server::shutdown_signal().await;
            let _ = tx.send(true);
            for t in tasks {
                let _ = t.await;
            }
            Ok(())
        }
        Command::Tenant {
            command:
                TenantCommand::Create {
                    name,
                    slug,
                    admin_email,
                    admin_password,
                },
        } => {
            let db = firelater_server::open_database(&config).await?;
            let services = firelater_server::services(&config, db, clock).await?;
            let generated = admin_password.is_none();
            let password = admin_password.unwrap_or_else(firelater_service::password::generate);
            let input = firelater_service::tenants::NewTenant {
                name,
                slug,
                admin_email,
                admin_name: "Administrator".into(),
                admin_password: password.clone(),
            };
            let (tenant, admin) = services
                .create_tenant(input)
                .await
                .map_err(|e| anyhow::anyhow!("{e}{}", field_list(&e)))?;
            println!(
                "created tenant {} ({}) with administrator {}",
                tenant.slug, tenant.id, admin.email
            );
            if generated {
                println!("password: {password}\nThis password is shown only once.");
            }
            Ok(())
        }
        Command::Tenant {
            command: TenantCommand::Export { slug, out },
        } => {
            let db = firelater_server::open_database(&config).await?;
            let services = firelater_server::services(&config, db, clock).await?;
            let summary = firelater_server::tenant_io::export(&services, &slug, out.as_deref()).await?;
            eprintln!("{summary}");
            Ok(())
        }
        Command::Tenant {
            command: TenantCommand::Import { file },
        } => {
            let db = firelater_server::open_database(&config).await?;
            let services = firelater_server::services(&config, db, clock).await?;
            println!("{}", firelater_server::tenant_io::import(&services, &file).await?);
            Ok(())
        }
        Command::Tenant {
            command: TenantCommand::Delete { slug, yes },
        } => {
            anyhow::ensure!(yes, "deleting tenant {slug} removes all its data; add --yes to confirm");
            let db = firelater_server::open_database(&config).await?;
            let services = firelater_server::services(&config, db, clock).await?;
            println!("{}", firelater_server::tenant_io::delete(&services, &slug).await?);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    tenant,
                    email,
                    name,
                    password,
                    roles,
                },
        } => {
            let db = firelater_server::open_database(&config).await?;
            let services = firelater_server::services(&config, db.clone(), clock).await?;
            let t = firelater_db::repo::tenants::find_by_slug(db.system(), &tenant)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .with_context(|| format!("no tenant with slug {tenant}"))?;
            let ctx = Ctx::system(t.id);
            let input = firelater_service::users::NewUser {
                email,
                name,
                password,
                roles,
                ..Default::default()
            };
            let user = services
                .create_user(&ctx, input)
                .await
                .map_err(|e| anyhow::anyhow!("{e}{}", field_list(&e)))?;
            println!(
                "created user {} ({}) in tenant {tenant}, status {}",
                user.user.email, user.user.id, user.user.status
            );
            Ok(())
        }
    }
}

fn field_list(e: &firelater_core::Error) -> String {
    e.fields
        .iter()
        .map(|(k, v)| format!("\n  {k}: {}", v.join("; ")))
        .collect()
}
