//! The few statements that differ between SQLite and PostgreSQL, one function each. SQL is
//! written once with PostgreSQL's `$n` placeholders; [`stmt`] rewrites them to SQLite's
//! numbered `?n`, which bind the same way.

use firelater_core::ids::TenantId;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

/// A statement for `conn`'s backend from `$n`-style SQL.
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// PostgreSQL: sets the transaction's tenant, which row-level security policies read.
pub async fn set_tenant(conn: &impl ConnectionTrait, tenant: TenantId) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('app.tenant_id', $1, true)",
        [tenant.to_string().into()],
    ))
    .await
    .map(|_| ())
}

/// The query that claims due jobs: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so concurrent
/// workers never claim the same job; SQLite serialises writers, so it needs no row lock.
pub fn claim_jobs_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3
             WHERE id IN (
               SELECT id FROM jobs
               WHERE queue = $4 AND ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3))
               ORDER BY run_at, id LIMIT $5
               FOR UPDATE SKIP LOCKED)
             RETURNING *"
        }
        _ => {
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3
             WHERE id IN (
               SELECT id FROM jobs
               WHERE queue = $4 AND ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3))
               ORDER BY run_at, id LIMIT $5)
             RETURNING *"
        }
    }
}
