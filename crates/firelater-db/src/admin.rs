//! Database administration on PostgreSQL: creating and dropping whole databases (tests give
//! each test its own; operators use it for scratch restores).

use crate::dialect::stmt;
use sea_orm::{ConnectionTrait, Database, DbBackend, DbErr};

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Creates database `name` through `admin_url`.
pub async fn create_database(admin_url: &str, name: &str) -> Result<(), DbErr> {
    if !valid_name(name) {
        return Err(DbErr::Custom(format!("invalid database name {name:?}")));
    }
    let conn = Database::connect(admin_url).await?;
    conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    conn.close().await
}

/// Drops database `name` through `admin_url`, disconnecting its sessions.
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), DbErr> {
    if !valid_name(name) {
        return Err(DbErr::Custom(format!("invalid database name {name:?}")));
    }
    let conn = Database::connect(admin_url).await?;
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    conn.close().await
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Runs one statement on a connection (for tests that inspect settings).
pub async fn query_string(conn: &impl ConnectionTrait, sql: &str) -> Result<Option<String>, DbErr> {
    let backend: DbBackend = conn.get_database_backend();
    let row = conn.query_one_raw(stmt(backend, sql, vec![])).await?;
    match row {
        Some(r) => {
            let v: Result<String, _> = r.try_get_by_index(0);
            match v {
                Ok(s) => Ok(Some(s)),
                Err(_) => r.try_get_by_index::<i64>(0).map(|n| Some(n.to_string())),
            }
        }
        None => Ok(None),
    }
}

/// PostgreSQL: why the login role of `conn` may not run the application, one reason per
/// entry; empty when it is fit. The runtime role must be unable to step around row-level
/// security: not a superuser, no `BYPASSRLS`, no `CREATEROLE` (which could grant itself the
/// owner), owning no table, sequence or the schema, and the same holds for every role it
/// could `SET ROLE` to; and it must have the application role's privileges. The login role
/// (`session_user`) is checked, not the current role, because a `SET ROLE` can be undone.
pub async fn runtime_role_problems(conn: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let app = firelater_migration::APP_ROLE;
    let sql = format!(
        "SELECT session_user::text AS name,
           EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolsuper AND pg_has_role(session_user, r.oid, 'MEMBER')) AS superuser,
           EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolbypassrls AND pg_has_role(session_user, r.oid, 'MEMBER')) AS bypassrls,
           EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolcreaterole AND pg_has_role(session_user, r.oid, 'MEMBER')) AS createrole,
           (SELECT count(*) FROM pg_class c
             WHERE c.relnamespace = current_schema()::text::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
               AND pg_has_role(session_user, c.relowner, 'MEMBER')) AS owned,
           COALESCE((SELECT min(c.relname::text) FROM pg_class c
             WHERE c.relnamespace = current_schema()::text::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
               AND pg_has_role(session_user, c.relowner, 'MEMBER')), '') AS owned_example,
           COALESCE((SELECT pg_has_role(session_user, n.nspowner, 'MEMBER') FROM pg_namespace n
             WHERE n.nspname = current_schema()), false) AS owns_schema,
           CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app}')
             THEN pg_has_role(session_user, '{app}', 'USAGE') ELSE false END AS in_app"
    );
    let row = conn
        .query_one_raw(stmt(DbBackend::Postgres, &sql, vec![]))
        .await?
        .ok_or_else(|| DbErr::Custom("the role query returned no row".into()))?;
    let name: String = row.try_get("", "name")?;
    let mut problems = Vec::new();
    let flag = |col: &str| row.try_get::<bool>("", col);
    if flag("superuser")? {
        // A superuser passes every other check too; one reason says it all.
        return Ok(vec![format!("{name} is a superuser (or may SET ROLE to one)")]);
    }
    if flag("bypassrls")? {
        problems.push(format!("{name} has BYPASSRLS (or may SET ROLE to a role that has)"));
    }
    if flag("createrole")? {
        problems.push(format!("{name} has CREATEROLE (or may SET ROLE to a role that has)"));
    }
    let owned: i64 = row.try_get("", "owned")?;
    if owned > 0 {
        let example: String = row.try_get("", "owned_example")?;
        problems.push(format!(
            "{name} owns (or may SET ROLE to the owner of) {owned} tables or sequences, such as {example}"
        ));
    }
    if flag("owns_schema")? {
        problems.push(format!("{name} owns (or may SET ROLE to the owner of) the schema"));
    }
    if !flag("in_app")? {
        problems.push(format!("{name} does not inherit the privileges of the role {app}"));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced_keeping_the_query() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres?sslmode=disable", "t1"),
            "postgres://u@h:5432/t1?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h:5432", "t1"),
            "postgres://u@h:5432/t1"
        );
    }
}
