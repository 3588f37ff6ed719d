//! The database's walls (ADR 0011): every table is either a tenant's, under row-level
//! security on PostgreSQL, or the instance's, by name; and on PostgreSQL the server migrates
//! as the schema owner (`FIRELATER_MIGRATE_DATABASE_URL`) and serves as a runtime login role
//! that row-level security binds and that cannot become the owner.

use firelater_core::ids::TenantId;
use firelater_db::entities::user;
use firelater_db::repo::tenant_data;
use firelater_server::Config;
use firelater_service::tenants::NewTenant;
use firelater_testkit::{TestApp, TestDb, with_user};
use sea_orm::{ConnectionTrait, Database, EntityTrait, Statement};

/// Runs `sql` (one or more statements) through the server's administrator URL.
async fn admin_exec(admin: &str, sql: &str) {
    let conn = Database::connect(admin).await.expect("connect as administrator");
    conn.execute_unprepared(sql).await.expect(sql);
    conn.close().await.ok();
}

/// A fresh PostgreSQL database owned by a new non-superuser login role, as production has it,
/// and the names of that owner role and of a new runtime login role. The runtime role joins
/// `firelater_app` only when `in_app`. Roles are cluster-wide, so the names are unique; they
/// are dropped by [`drop_roles`]. `None` (the test is skipped) without PostgreSQL.
async fn owned_database(in_app: bool) -> Option<(TestDb, String, String)> {
    let admin = firelater_testkit::postgres_url()?;
    let db = TestDb::new().await;
    let name = db.postgres().expect("a PostgreSQL database").1.to_owned();
    let id = uuid::Uuid::now_v7().simple().to_string();
    let (owner, runtime) = (format!("fl_own_{id}"), format!("fl_rt_{id}"));
    // What the README's Production section asks of the database administrator.
    admin_exec(
        &admin,
        &format!(
            "DO $$ BEGIN CREATE ROLE firelater_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             CREATE ROLE {owner} LOGIN NOSUPERUSER NOBYPASSRLS;
             GRANT firelater_app TO {owner};
             ALTER DATABASE {name} OWNER TO {owner};
             CREATE ROLE {runtime} LOGIN NOSUPERUSER NOBYPASSRLS {};",
            if in_app { "IN ROLE firelater_app" } else { "" }
        ),
    )
    .await;
    Some((db, owner, runtime))
}

async fn drop_roles(roles: &[&str]) {
    let admin = firelater_testkit::postgres_url().expect("PostgreSQL");
    for role in roles {
        admin_exec(&admin, &format!("DROP ROLE IF EXISTS {role}")).await;
    }
}

async fn query(conn: &impl ConnectionTrait, sql: &str) -> Option<String> {
    firelater_db::admin::query_string(conn, sql).await.expect(sql)
}

#[tokio::test]
async fn a_runtime_login_role_serves_and_cannot_step_around_row_level_security() {
    let Some((db, owner, runtime)) = owned_database(true).await else {
        println!("skipped: the role split is PostgreSQL's; set FIRELATER_TEST_DATABASE_URL");
        return;
    };
    let owner_url = with_user(&db.url, &owner);
    let runtime_url = with_user(&db.url, &runtime);
    // The database is empty: the server migrates it as the owner, then serves as the runtime
    // role, signs its administrator in and creates a user.
    let app = TestApp::builder()
        .database(db)
        .config(move |c| {
            c.database_url = runtime_url;
            c.migrate_database_url = Some(owner_url);
        })
        .spawn()
        .await;
    app.create_user("agent@example.com", Some("agent password 123"), &["agent"])
        .await;
    app.login("default", "agent@example.com", "agent password 123").await;
    let (b, _) = app
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
    let a = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("query")
        .map(|t| TenantId(t.id.into()))
        .expect("the default tenant");
    let db = &app.services.db;
    let pool = db.system();

    // The pool is the login role itself: no SET ROLE, so nothing to RESET back to.
    assert_eq!(
        query(pool, "SELECT session_user::text").await.as_deref(),
        Some(runtime.as_str())
    );
    assert_eq!(
        query(pool, "SELECT current_user::text").await.as_deref(),
        Some(runtime.as_str())
    );
    for target in ["postgres", owner.as_str()] {
        let err = pool
            .execute_unprepared(&format!("SET ROLE {target}"))
            .await
            .expect_err("the runtime role is not a member of the owner or a superuser");
        assert!(
            err.to_string().contains("permission denied"),
            "SET ROLE {target}: {err}"
        );
    }

    let tx = db.tenant_read(TenantId(b.id.into())).await.expect("tx");
    tx.conn().execute_unprepared("RESET ROLE").await.expect("RESET ROLE");
    assert_eq!(
        query(tx.conn(), "SELECT current_user::text").await.as_deref(),
        Some(runtime.as_str()),
        "RESET ROLE leaves the runtime role where it is"
    );
    // No tenant filter at all: row-level security alone keeps tenant A's users out.
    let all = user::Entity::find().all(tx.conn()).await.expect("query");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].email, "admin@beta.example");
    tx.commit().await.expect("commit");

    let tx = db.system_write().await.expect("tx");
    let none = user::Entity::find().all(tx.conn()).await.expect("query");
    assert!(none.is_empty(), "without a tenant set, no tenant rows are visible");
    tx.commit().await.expect("commit");

    // The owner's rights stay the owner's; the audit log stays append-only.
    for sql in [
        "ALTER TABLE users DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON users",
        "UPDATE audit_logs SET action = 'forged'",
        "DELETE FROM audit_logs",
        "TRUNCATE users",
        "SELECT count(*) FROM seaql_migrations",
        "CREATE TABLE escape (id int)",
    ] {
        let tx = db.tenant_write(a).await.expect("tx");
        let err = tx.conn().execute_unprepared(sql).await.expect_err(sql);
        let msg = err.to_string();
        assert!(
            msg.contains("permission denied") || msg.contains("must be owner"),
            "{sql}: {msg}"
        );
    }
    let tx = db.tenant_read(a).await.expect("tx");
    let audit = query(tx.conn(), "SELECT count(*) FROM audit_logs WHERE action = 'forged'").await;
    assert_eq!(audit.as_deref(), Some("0"));
    tx.commit().await.expect("commit");

    app.stop().await;
    drop_roles(&[&runtime, &owner]).await;
}

/// Starts the server on `db` with the two URLs; the error's text when start-up is refused.
async fn start_error(db: &TestDb, runtime_url: String, migrate_url: String) -> String {
    let mut config = Config::load(None, |_| None).expect("default config");
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.database_url = runtime_url;
    config.migrate_database_url = Some(migrate_url);
    config.data_dir = db.dir().join("files");
    config.db_max_connections = 2;
    match firelater_server::start(config, std::sync::Arc::new(firelater_core::SystemClock)).await {
        Ok(running) => {
            running.stop().await.expect("stop");
            panic!("start-up was expected to be refused");
        }
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn start_up_refuses_a_runtime_role_that_could_step_around_row_level_security() {
    let Some((db, owner, runtime)) = owned_database(false).await else {
        println!("skipped: the role split is PostgreSQL's; set FIRELATER_TEST_DATABASE_URL");
        return;
    };
    let owner_url = with_user(&db.url, &owner);
    let superuser_url = db.url.clone();
    let cases = [
        (superuser_url, "is a superuser"),
        (owner_url.clone(), "owns (or may SET ROLE to the owner of)"),
        (
            with_user(&db.url, &runtime),
            "does not inherit the privileges of the role firelater_app",
        ),
    ];
    for (runtime_url, why) in cases {
        let e = start_error(&db, runtime_url, owner_url.clone()).await;
        assert!(
            e.starts_with("refusing to start: FIRELATER_DATABASE_URL") && e.contains(why),
            "{why}: {e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
    }
    db.remove().await;
    drop_roles(&[&runtime, &owner]).await;
}

#[tokio::test]
async fn every_table_is_either_a_tenant_table_under_row_level_security_or_an_instance_table() {
    let app = TestApp::spawn().await;
    let owner = firelater_db::Db::connect_owner(&app.config.database_url, &Default::default())
        .await
        .expect("connect");
    let conn = owner.system();
    let postgres = app.is_postgres();
    let sql = if postgres {
        "SELECT c.relname::text AS name, c.relrowsecurity AS rls,
           EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policy,
           concat_ws(',',
             CASE WHEN has_table_privilege('firelater_app', c.oid, 'SELECT') THEN 'select' END,
             CASE WHEN has_table_privilege('firelater_app', c.oid, 'INSERT') THEN 'insert' END,
             CASE WHEN has_table_privilege('firelater_app', c.oid, 'UPDATE') THEN 'update' END,
             CASE WHEN has_table_privilege('firelater_app', c.oid, 'DELETE') THEN 'delete' END,
             CASE WHEN has_table_privilege('firelater_app', c.oid, 'TRUNCATE') THEN 'truncate' END) AS app
         FROM pg_class c
         WHERE c.relnamespace = current_schema()::text::regnamespace AND c.relkind IN ('r', 'p')
         ORDER BY 1"
    } else {
        "SELECT name, false AS rls, false AS policy, '' AS app FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    };
    let rows = conn
        .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .expect("tables");
    let tenant: Vec<&str> = tenant_data::TABLES.iter().map(|t| t.name).collect();
    let instance = firelater_db::INSTANCE_TABLES;
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for row in &rows {
        let name: String = row.try_get("", "name").expect("name");
        let rls: bool = row.try_get("", "rls").expect("rls");
        let policy: bool = row.try_get("", "policy").expect("policy");
        let app_rights: String = row.try_get("", "app").expect("app");
        let (is_tenant, is_instance) = (tenant.contains(&name.as_str()), instance.contains(&name.as_str()));
        match (is_tenant, is_instance) {
            (true, true) => problems.push(format!("{name} is both a tenant table and an instance table")),
            (false, false) => problems.push(format!(
                "{name} is neither in repo::tenant_data::TABLES nor in firelater_migration::INSTANCE_TABLES"
            )),
            _ => {}
        }
        if postgres {
            let expected = match name.as_str() {
                "seaql_migrations" => "",
                "audit_logs" => "select,insert",
                _ => "select,insert,update,delete",
            };
            if app_rights != expected {
                problems.push(format!(
                    "firelater_app may {app_rights:?} on {name}, expected {expected:?}"
                ));
            }
            if is_tenant && !(rls && policy) {
                problems.push(format!("tenant table {name} is not under the tenant_isolation policy"));
            }
            if is_instance && rls {
                problems.push(format!("instance table {name} has row-level security"));
            }
        }
        seen.push(name);
    }
    for listed in tenant.iter().chain(instance) {
        if !seen.iter().any(|s| s == listed) {
            problems.push(format!("listed table {listed} does not exist"));
        }
    }
    for t in tenant_data::INSTANCE_TABLES_WITH_TENANT {
        if !instance.contains(t) {
            problems.push(format!(
                "{t} carries a tenant id for routing but is not in INSTANCE_TABLES"
            ));
        }
    }
    if postgres {
        let missing = query(
            conn,
            "SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::text::regnamespace
             AND CASE WHEN c.relkind = 'S' THEN NOT has_sequence_privilege('firelater_app', c.oid, 'USAGE') END",
        )
        .await;
        if missing.as_deref() != Some("0") {
            problems.push(format!("{missing:?} sequences are not usable by firelater_app"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    owner.close().await.ok();
    app.stop().await;
}
