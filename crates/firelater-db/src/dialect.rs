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

/// The columns of `table` with their declared types, in table order: SQLite's declared type
/// (`uuid_text`, `varchar(255)`, …) or PostgreSQL's `information_schema` data type (`uuid`,
/// `character varying`, …). Export and import use them to read and bind each value by its type.
pub async fn table_columns(conn: &impl ConnectionTrait, table: &str) -> Result<Vec<(String, String)>, DbErr> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
        _ => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
    };
    let rows = conn.query_all_raw(stmt(backend, sql, vec![table.into()])).await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String>("", "name")?, r.try_get::<String>("", "type")?)))
        .collect()
}

/// The tables (not views) of the schema that have a column called `column`, sorted by name.
pub async fn tables_with_column(conn: &impl ConnectionTrait, column: &str) -> Result<Vec<String>, DbErr> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT c.table_name::text AS name FROM information_schema.columns c
             JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.column_name = $1
             ORDER BY 1"
        }
        _ => {
            "SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND p.name = $1 ORDER BY 1"
        }
    };
    let rows = conn.query_all_raw(stmt(backend, sql, vec![column.into()])).await?;
    rows.iter().map(|r| r.try_get::<String>("", "name")).collect()
}

/// Every foreign key of the schema as `(table, column, referenced table)`.
pub async fn foreign_keys(conn: &impl ConnectionTrait) -> Result<Vec<(String, String, String)>, DbErr> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT src.relname::text AS tbl, a.attname::text AS col, dst.relname::text AS ref
             FROM pg_constraint c
             JOIN pg_class src ON src.oid = c.conrelid
             JOIN pg_class dst ON dst.oid = c.confrelid
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.contype = 'f' AND src.relnamespace = current_schema()::text::regnamespace"
        }
        _ => {
            "SELECT m.name AS tbl, f.\"from\" AS col, f.\"table\" AS ref
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
        }
    };
    let rows = conn.query_all_raw(stmt(backend, sql, vec![])).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String>("", "tbl")?,
                r.try_get::<String>("", "col")?,
                r.try_get::<String>("", "ref")?,
            ))
        })
        .collect()
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

/// The query the relay's hand-off transaction starts with: the oldest events not yet handed
/// on, by `published_at IS NULL` rather than a cursor, so an event whose transaction took a
/// lower `seq` but committed later is found by the next pass instead of skipped. On
/// PostgreSQL the rows are locked `FOR UPDATE SKIP LOCKED`, so two relays never hand the same
/// event on; SQLite serialises writers, so it needs no row lock. `$1` is the limit.
pub fn lock_unpublished_events_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "SELECT * FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED"
        }
        _ => "SELECT * FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT $1",
    }
}

/// Serialises the transactions of one tenant that take the same `key` until they end. On
/// PostgreSQL a transaction-scoped advisory lock; SQLite already runs one writer at a time,
/// so there it does nothing. For checks a row lock cannot cover, such as "this re-parenting
/// makes no cycle", which reads rows another transaction may be changing.
pub async fn lock_tenant_key(conn: &impl ConnectionTrait, tenant: TenantId, key: &str) -> Result<(), DbErr> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        [format!("{key}:{tenant}").into()],
    ))
    .await
    .map(|_| ())
}
