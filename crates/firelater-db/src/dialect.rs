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

/// The name of the full-text index of `table`: SQLite's FTS5 table, PostgreSQL's GIN index.
pub fn fts_name(table: &str) -> String {
    format!("{table}_fts")
}

/// PostgreSQL's document of a row: the searched columns, joined by spaces. The GIN index and
/// [`fts_match`] write it identically, so the planner uses the index.
fn pg_document(table: Option<&str>, columns: &[&str]) -> String {
    let prefix = table.map(|t| format!("\"{t}\".")).unwrap_or_default();
    let parts: Vec<String> = columns
        .iter()
        .map(|c| format!("coalesce({prefix}\"{c}\", '')"))
        .collect();
    format!("to_tsvector('simple'::regconfig, {})", parts.join(" || ' ' || "))
}

/// The statements that give `table` a full-text index over its text `columns`, for a
/// migration. SQLite: an external-content FTS5 table `<table>_fts` keyed by the table's
/// `rowid`, kept in step by insert, update and delete triggers, and filled from the rows
/// already there. (A `VACUUM` may renumber the `rowid`s of a table without an integer primary
/// key: run [`fts_rebuild_sql`] after one.) PostgreSQL: a GIN index `<table>_fts` on the
/// `simple` text-search vector of the columns. Search it with [`fts_match`]; drop it with
/// [`fts_drop_sql`].
pub fn fts_index_sql(backend: DbBackend, table: &str, columns: &[&str]) -> Vec<String> {
    let fts = fts_name(table);
    match backend {
        DbBackend::Postgres => vec![format!(
            "CREATE INDEX \"{fts}\" ON \"{table}\" USING GIN ({})",
            pg_document(None, columns)
        )],
        _ => {
            let cols = columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let new = columns
                .iter()
                .map(|c| format!("new.\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let old = columns
                .iter()
                .map(|c| format!("old.\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let delete_old =
                format!("INSERT INTO \"{fts}\"(\"{fts}\", rowid, {cols}) VALUES ('delete', old.rowid, {old});");
            let insert_new = format!("INSERT INTO \"{fts}\"(rowid, {cols}) VALUES (new.rowid, {new});");
            vec![
                format!(
                    "CREATE VIRTUAL TABLE \"{fts}\" USING fts5({cols}, content='{table}', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
                ),
                format!("CREATE TRIGGER \"{fts}_ai\" AFTER INSERT ON \"{table}\" BEGIN {insert_new} END"),
                format!("CREATE TRIGGER \"{fts}_ad\" AFTER DELETE ON \"{table}\" BEGIN {delete_old} END"),
                format!("CREATE TRIGGER \"{fts}_au\" AFTER UPDATE ON \"{table}\" BEGIN {delete_old} {insert_new} END"),
                fts_rebuild_sql(backend, table).unwrap_or_default(),
            ]
        }
    }
}

/// SQLite: the statement that rebuilds `table`'s FTS5 index from the table; PostgreSQL keeps
/// its index itself (`None`).
pub fn fts_rebuild_sql(backend: DbBackend, table: &str) -> Option<String> {
    let fts = fts_name(table);
    (backend != DbBackend::Postgres).then(|| format!("INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('rebuild')"))
}

/// The statements that undo [`fts_index_sql`].
pub fn fts_drop_sql(backend: DbBackend, table: &str) -> Vec<String> {
    let fts = fts_name(table);
    match backend {
        DbBackend::Postgres => vec![format!("DROP INDEX IF EXISTS \"{fts}\"")],
        _ => vec![
            format!("DROP TRIGGER IF EXISTS \"{fts}_ai\""),
            format!("DROP TRIGGER IF EXISTS \"{fts}_ad\""),
            format!("DROP TRIGGER IF EXISTS \"{fts}_au\""),
            format!("DROP TABLE IF EXISTS \"{fts}\""),
        ],
    }
}

/// The words of a search, letters and digits only, so no search can be read as FTS5 or
/// `tsquery` syntax.
fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(32)
        .map(str::to_owned)
        .collect()
}

/// The condition "this row of `table` matches the search `q`" over the `columns` indexed by
/// [`fts_index_sql`]: every word of `q` must occur in one of them, as a word or the start of
/// one (`net` finds `network`), ignoring case (and, on SQLite, diacritics). A `q` without
/// letters or digits matches nothing. `q` is bound as a value, never spliced into the SQL.
pub fn fts_match(backend: DbBackend, table: &str, columns: &[&str], q: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    let words = search_words(q);
    if words.is_empty() {
        return Expr::cust("1 = 0");
    }
    match backend {
        DbBackend::Postgres => {
            let query = words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ");
            Expr::cust_with_values(
                // sea-query's placeholder for PostgreSQL is the numbered `$1`, for SQLite `?`.
                format!(
                    "{} @@ to_tsquery('simple'::regconfig, $1)",
                    pg_document(Some(table), columns)
                ),
                [query],
            )
        }
        _ => {
            let fts = fts_name(table);
            let query = words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
            Expr::cust_with_values(
                format!("\"{table}\".rowid IN (SELECT rowid FROM \"{fts}\" WHERE \"{fts}\" MATCH ?)"),
                [query],
            )
        }
    }
}

/// The condition "the JSON array of strings in `table.column` holds `value`": PostgreSQL's
/// `jsonb` containment, SQLite's `json_each`. `value` is bound, never spliced into the SQL;
/// `table` and `column` are code, never input.
pub fn json_array_contains(
    backend: DbBackend,
    table: &str,
    column: &str,
    value: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            format!("\"{table}\".\"{column}\" @> jsonb_build_array($1::text)"),
            [value.to_owned()],
        ),
        _ => Expr::cust_with_values(
            format!("EXISTS (SELECT 1 FROM json_each(\"{table}\".\"{column}\") WHERE json_each.value = ?)"),
            [value.to_owned()],
        ),
    }
}

/// The condition "the JSON object in `column` has the member `key`, rendered as text, equal to
/// `value`" (a string as itself, a number as written, `true`/`false`, an object or list as
/// JSON): PostgreSQL's `->>`, SQLite's `json_extract` with booleans spelled out. `key` and
/// `value` are bound; `column` is code, never input.
pub fn json_member_text_eq(backend: DbBackend, column: &str, key: &str, value: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            format!("(\"{column}\" ->> $1) = $2"),
            [key.to_owned(), value.to_owned()],
        ),
        _ => {
            let path = format!("$.\"{key}\"");
            Expr::cust_with_values(
                format!(
                    "(CASE json_type(\"{column}\", ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \
                     ELSE CAST(json_extract(\"{column}\", ?) AS TEXT) END) = ?"
                ),
                [path.clone(), path, value.to_owned()],
            )
        }
    }
}

#[cfg(test)]
mod fts_tests {
    use super::*;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    use sea_orm::{ConnectOptions, Database, DatabaseConnection};

    const COLUMNS: &[&str] = &["title", "body"];

    async fn databases() -> Vec<DatabaseConnection> {
        let mut out = Vec::new();
        let sqlite = Database::connect(ConnectOptions::new("sqlite::memory:").max_connections(1).to_owned())
            .await
            .expect("sqlite");
        out.push(sqlite);
        if let Ok(url) = std::env::var("FIRELATER_TEST_DATABASE_URL") {
            out.push(Database::connect(url).await.expect("postgres"));
        }
        out
    }

    async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<Value>) {
        db.execute_raw(stmt(db.get_database_backend(), sql, values))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn search(db: &DatabaseConnection, table: &str, q: &str) -> Vec<String> {
        let backend = db.get_database_backend();
        let select = Query::select()
            .column(Alias::new("ref"))
            .from(Alias::new(table))
            .and_where(fts_match(backend, table, COLUMNS, q))
            .and_where(Expr::col(Alias::new("ref")).ne("never"))
            .order_by(Alias::new("ref"), sea_orm::sea_query::Order::Asc)
            .to_owned();
        let rows = db
            .query_all(&select)
            .await
            .unwrap_or_else(|e| panic!("search {q:?}: {e}"));
        rows.iter()
            .map(|r| r.try_get::<String>("", "ref").expect("ref"))
            .collect()
    }

    #[tokio::test]
    async fn fts_finds_rows_by_words_and_prefixes_and_follows_inserts_updates_and_deletes() {
        for db in databases().await {
            let backend = db.get_database_backend();
            let table = format!("fts_probe_{}", uuid::Uuid::now_v7().simple());
            let pk = if backend == DbBackend::Postgres { "uuid" } else { "text" };
            exec(
                &db,
                &format!("CREATE TABLE \"{table}\" (id {pk} PRIMARY KEY, ref text NOT NULL, title text, body text)"),
                vec![],
            )
            .await;
            let insert = format!("INSERT INTO \"{table}\" (id, ref, title, body) VALUES ($1, $2, $3, $4)");
            let row = |r: &str, t: Option<&str>, b: &str| -> Vec<Value> {
                let id = uuid::Uuid::now_v7();
                let id: Value = if backend == DbBackend::Postgres {
                    id.into()
                } else {
                    id.to_string().into()
                };
                vec![id, r.into(), t.map(str::to_owned).into(), b.into()]
            };
            // A row that exists before the index, which must index it too.
            exec(&db, &insert, row("a", Some("Network outage"), "The core switch failed")).await;
            for s in fts_index_sql(backend, &table, COLUMNS) {
                exec(&db, &s, vec![]).await;
            }
            exec(&db, &insert, row("b", Some("Printer jam"), "Paper stuck on floor 3")).await;
            exec(&db, &insert, row("c", None, "network printer offline; Café")).await;

            assert_eq!(search(&db, &table, "network").await, ["a", "c"], "{backend:?}");
            assert_eq!(search(&db, &table, "NET").await, ["a", "c"], "prefix, any case");
            assert_eq!(search(&db, &table, "network printer").await, ["c"], "every word");
            assert_eq!(search(&db, &table, "switch").await, ["a"], "second column");
            assert_eq!(
                search(&db, &table, "\"paper\" (stuck* -").await,
                ["b"],
                "syntax is only words"
            );
            assert!(search(&db, &table, "!!!").await.is_empty(), "no words");
            assert!(search(&db, &table, "outages").await.is_empty());

            exec(
                &db,
                &format!("UPDATE \"{table}\" SET title = 'Switch replaced' WHERE ref = 'a'"),
                vec![],
            )
            .await;
            assert_eq!(
                search(&db, &table, "network").await,
                ["c"],
                "update leaves the old words"
            );
            assert_eq!(
                search(&db, &table, "replaced").await,
                ["a"],
                "update adds the new words"
            );
            exec(&db, &format!("DELETE FROM \"{table}\" WHERE ref = 'c'"), vec![]).await;
            assert!(search(&db, &table, "printer offline").await.is_empty(), "delete");

            for s in fts_drop_sql(backend, &table) {
                exec(&db, &s, vec![]).await;
            }
            exec(&db, &format!("DROP TABLE \"{table}\""), vec![]).await;
        }
    }
}
