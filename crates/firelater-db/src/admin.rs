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
