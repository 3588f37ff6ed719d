//! One tenant's rows in every tenant-owned table, handled generically: counted, dumped to
//! portable JSON and loaded back (moving a tenant between instances), and deleted with the
//! tenant.
//!
//! [`TABLES`] is the one list of tenant-owned tables, parents before children: adding a table
//! to the schema means adding one line there. [`schema_problems`], which the test suite runs,
//! reports a table with a `tenant_id` column that is not listed, a table listed before a table
//! it references, and an exported table that references one that is not exported.
//!
//! Values are read and bound by each column's declared type, so an export from SQLite loads
//! into PostgreSQL and back: UUIDs as strings, timestamps as RFC 3339 strings, JSON columns as
//! JSON, booleans as booleans, bytes as hex.

use crate::dialect::{self, stmt};
use crate::{SystemTx, TenantTx, db_err};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use firelater_core::{Error, ErrorCode};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, SqlErr, Value};
use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// What an export does with a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// The rows are exported and imported.
    Rows {
        /// Comma-separated columns the rows are dumped in order of, so exports are stable.
        order_by: &'static str,
        /// A column referencing this same table (a tree, such as a group's parent): rows are
        /// imported parents first.
        parent: Option<&'static str>,
    },
    /// The rows stay behind (sign-ins, short-lived caches); they are deleted with the tenant.
    Skip {
        /// Why the rows do not move.
        why: &'static str,
    },
}

/// A tenant-owned table and how an export treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantTable {
    /// The table's name.
    pub name: &'static str,
    /// Exported or skipped.
    pub export: Export,
}

impl TenantTable {
    /// A table whose rows are exported in `order_by` order.
    pub const fn rows(name: &'static str, order_by: &'static str) -> Self {
        Self {
            name,
            export: Export::Rows { order_by, parent: None },
        }
    }

    /// A table whose rows form a tree through `parent`; they are imported parents first.
    pub const fn tree(name: &'static str, order_by: &'static str, parent: &'static str) -> Self {
        Self {
            name,
            export: Export::Rows {
                order_by,
                parent: Some(parent),
            },
        }
    }

    /// A table whose rows are not exported.
    pub const fn skip(name: &'static str, why: &'static str) -> Self {
        Self {
            name,
            export: Export::Skip { why },
        }
    }

    /// Whether the table's rows are exported.
    pub fn exported(&self) -> bool {
        matches!(self.export, Export::Rows { .. })
    }
}

/// Every tenant-owned table, each listed after the tables it references. A new tenant-owned
/// table gets its line here.
pub const TABLES: &[TenantTable] = &[
    TenantTable::rows("users", "id"),
    TenantTable::rows("roles", "id"),
    TenantTable::rows("role_permissions", "role_id, permission"),
    TenantTable::rows("user_roles", "user_id, role_id"),
    TenantTable::tree("groups", "id", "parent_id"),
    TenantTable::rows("group_members", "group_id, user_id"),
    TenantTable::rows("group_roles", "group_id, role_id"),
    TenantTable::rows("api_keys", "id"),
    TenantTable::rows("applications", "id"),
    TenantTable::rows("environments", "id"),
    TenantTable::rows("application_status_history", "created_at, id"),
    TenantTable::tree("services", "id", "parent_service_id"),
    TenantTable::rows("service_relationships", "id"),
    TenantTable::rows("service_stakeholders", "id"),
    TenantTable::rows("application_services", "id"),
    TenantTable::rows("service_status_history", "created_at, id"),
    TenantTable::rows("ci_classes", "id"),
    TenantTable::rows("configuration_items", "id"),
    TenantTable::rows("ci_relationships", "id"),
    TenantTable::rows("user_mfa", "user_id"),
    TenantTable::rows("notification_preferences", "id"),
    TenantTable::skip("password_resets", "reset links are short-lived"),
    TenantTable::skip("sessions", "sign-ins do not move between instances"),
    TenantTable::skip("refresh_tokens", "sign-ins do not move between instances"),
    TenantTable::rows("user_status_history", "created_at, id"),
    TenantTable::rows("id_sequences", "entity_type"),
    TenantTable::skip("idempotency_keys", "replays matter only where a request was made"),
    TenantTable::rows("audit_logs", "created_at, id"),
];

/// Instance-level queues that carry a tenant's id for routing without being its data: never
/// exported, and a deleted tenant's rows are removed from them explicitly (they have no
/// foreign key to cascade through).
pub const INSTANCE_TABLES_WITH_TENANT: &[&str] = &["jobs", "outbox_events"];

/// One row as column → value.
pub type Row = serde_json::Map<String, JsonValue>;

/// One tenant's data in portable form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantData {
    /// The tenant's own row of `tenants`.
    pub tenant: Row,
    /// The rows of every exported table, by table name.
    pub tables: BTreeMap<String, Vec<Row>>,
}

/// What an import wrote.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Rows inserted per table.
    pub rows: BTreeMap<String, u64>,
    /// Things that were adjusted on the way in.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColType {
    Uuid,
    Bool,
    I16,
    I32,
    I64,
    F32,
    F64,
    TimestampTz,
    Timestamp,
    Date,
    Time,
    Json,
    Text,
    Bytes,
}

/// The type class of a column from its declared type (see [`dialect::table_columns`]).
fn col_type(backend: DbBackend, declared: &str) -> Option<ColType> {
    use ColType::*;
    let d = declared.trim().to_ascii_lowercase();
    if backend == DbBackend::Postgres {
        return Some(match d.as_str() {
            "uuid" => Uuid,
            "boolean" => Bool,
            "smallint" => I16,
            "integer" => I32,
            "bigint" => I64,
            "real" => F32,
            "double precision" => F64,
            "timestamp with time zone" => TimestampTz,
            "timestamp without time zone" => Timestamp,
            "date" => Date,
            "time without time zone" => Time,
            "json" | "jsonb" => Json,
            "text" | "character varying" | "character" => Text,
            "bytea" => Bytes,
            _ => return None,
        });
    }
    // SQLite: the declared types sea-query writes (`uuid_text`, `timestamp_with_timezone_text`, …).
    Some(if d.contains("uuid") {
        Uuid
    } else if d.starts_with("timestamp_with_timezone") {
        TimestampTz
    } else if d.starts_with("timestamp") || d.starts_with("datetime") {
        Timestamp
    } else if d.starts_with("date") {
        Date
    } else if d.starts_with("time") {
        Time
    } else if d.starts_with("json") {
        Json
    } else if d.starts_with("bool") {
        Bool
    } else if d.contains("int") {
        I64
    } else if d.starts_with("real") || d.starts_with("float") || d.starts_with("double") {
        F64
    } else if d == "text" || d.starts_with("varchar") || d.starts_with("char") || d == "enum_text" {
        Text
    } else if d.contains("blob") {
        Bytes
    } else {
        return None;
    })
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn invalid(field: String, message: impl Into<String>) -> Error {
    Error::field(field, message)
}

/// The columns of `table` with their type classes; an unsupported type is an error naming it.
async fn columns(conn: &impl ConnectionTrait, table: &str) -> Result<Vec<(String, ColType)>, Error> {
    let backend = conn.get_database_backend();
    let cols = dialect::table_columns(conn, table).await.map_err(db_err)?;
    if cols.is_empty() {
        return Err(Error::internal(format!("table {table} does not exist")));
    }
    cols.into_iter()
        .map(|(name, declared)| match col_type(backend, &declared) {
            Some(t) => Ok((name, t)),
            None => Err(Error::internal(format!(
                "column {table}.{name} has type {declared}, which tenant export does not support"
            ))),
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

const NAIVE_DATETIME: &str = "%Y-%m-%dT%H:%M:%S%.f";
const NAIVE_TIME: &str = "%H:%M:%S%.f";

/// Reads column `col` of `row` as portable JSON.
fn read(row: &QueryResult, col: &str, ty: ColType) -> Result<JsonValue, DbErr> {
    use serde_json::json;
    Ok(match ty {
        ColType::Uuid => match row.try_get::<Option<Uuid>>("", col) {
            Ok(v) => json!(v),
            // A UUID written as text by hand-made SQL reads as a string on SQLite.
            Err(_) => match row.try_get::<Option<String>>("", col)? {
                Some(s) => json!(Uuid::parse_str(&s).map_err(|e| DbErr::Custom(format!("{col}: {e}")))?),
                None => JsonValue::Null,
            },
        },
        ColType::Bool => json!(row.try_get::<Option<bool>>("", col)?),
        ColType::I16 => json!(row.try_get::<Option<i16>>("", col)?),
        ColType::I32 => json!(row.try_get::<Option<i32>>("", col)?),
        ColType::I64 => json!(row.try_get::<Option<i64>>("", col)?),
        ColType::F32 => json!(row.try_get::<Option<f32>>("", col)?),
        ColType::F64 => json!(row.try_get::<Option<f64>>("", col)?),
        ColType::TimestampTz => json!(
            row.try_get::<Option<DateTime<Utc>>>("", col)?
                .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        ),
        ColType::Timestamp => json!(
            row.try_get::<Option<NaiveDateTime>>("", col)?
                .map(|t| t.format(NAIVE_DATETIME).to_string())
        ),
        ColType::Date => json!(
            row.try_get::<Option<NaiveDate>>("", col)?
                .map(|t| t.format("%Y-%m-%d").to_string())
        ),
        ColType::Time => json!(
            row.try_get::<Option<NaiveTime>>("", col)?
                .map(|t| t.format(NAIVE_TIME).to_string())
        ),
        ColType::Json => row.try_get::<Option<JsonValue>>("", col)?.unwrap_or(JsonValue::Null),
        ColType::Text => json!(row.try_get::<Option<String>>("", col)?),
        ColType::Bytes => json!(row.try_get::<Option<Vec<u8>>>("", col)?.map(|b| hex(&b))),
    })
}

/// Turns portable JSON back into a value of the column's type.
fn bind(ty: ColType, v: &JsonValue) -> Result<Value, &'static str> {
    if v.is_null() {
        return Ok(match ty {
            ColType::Uuid => Value::Uuid(None),
            ColType::Bool => Value::Bool(None),
            ColType::I16 => Value::SmallInt(None),
            ColType::I32 => Value::Int(None),
            ColType::I64 => Value::BigInt(None),
            ColType::F32 => Value::Float(None),
            ColType::F64 => Value::Double(None),
            ColType::TimestampTz => Value::ChronoDateTimeUtc(None),
            ColType::Timestamp => Value::ChronoDateTime(None),
            ColType::Date => Value::ChronoDate(None),
            ColType::Time => Value::ChronoTime(None),
            ColType::Json => Value::Json(None),
            ColType::Text => Value::String(None),
            ColType::Bytes => Value::Bytes(None),
        });
    }
    let s = v.as_str();
    Ok(match ty {
        ColType::Uuid => Value::Uuid(Some(s.and_then(|s| Uuid::parse_str(s).ok()).ok_or("must be a UUID")?)),
        ColType::Bool => Value::Bool(Some(v.as_bool().ok_or("must be true or false")?)),
        ColType::I16 => Value::SmallInt(Some(
            v.as_i64()
                .and_then(|n| i16::try_from(n).ok())
                .ok_or("must be a 16-bit integer")?,
        )),
        ColType::I32 => Value::Int(Some(
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or("must be a 32-bit integer")?,
        )),
        ColType::I64 => Value::BigInt(Some(v.as_i64().ok_or("must be an integer")?)),
        // The column holds 32-bit floats; a wider value was never stored in it.
        ColType::F32 => Value::Float(Some(v.as_f64().ok_or("must be a number")? as f32)),
        ColType::F64 => Value::Double(Some(v.as_f64().ok_or("must be a number")?)),
        ColType::TimestampTz => Value::ChronoDateTimeUtc(Some(
            s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .ok_or("must be an RFC 3339 date-time")?
                .with_timezone(&Utc),
        )),
        ColType::Timestamp => Value::ChronoDateTime(Some(
            s.and_then(|s| NaiveDateTime::parse_from_str(s, NAIVE_DATETIME).ok())
                .ok_or("must be a date-time without offset")?,
        )),
        ColType::Date => Value::ChronoDate(Some(
            s.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .ok_or("must be a date")?,
        )),
        ColType::Time => Value::ChronoTime(Some(
            s.and_then(|s| NaiveTime::parse_from_str(s, NAIVE_TIME).ok())
                .ok_or("must be a time")?,
        )),
        ColType::Json => Value::Json(Some(Box::new(v.clone()))),
        ColType::Text => Value::String(Some(s.ok_or("must be a string")?.to_owned())),
        ColType::Bytes => Value::Bytes(Some(s.and_then(unhex).ok_or("must be hex")?)),
    })
}

/// Reads every row of `table` matching `filter_col = id`, as portable JSON.
async fn dump(
    conn: &impl ConnectionTrait,
    table: &str,
    filter_col: &str,
    id: Uuid,
    order_by: &str,
) -> Result<Vec<Row>, Error> {
    let cols = columns(conn, table).await?;
    let list: Vec<String> = cols.iter().map(|(c, _)| quote(c)).collect();
    let order: Vec<String> = order_by
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(quote)
        .collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = $1{}",
        list.join(", "),
        quote(table),
        quote(filter_col),
        if order.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", order.join(", "))
        }
    );
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(stmt(backend, &sql, vec![id.into()]))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            let mut out = Row::new();
            for (c, t) in &cols {
                out.insert(c.clone(), read(r, c, *t).map_err(db_err)?);
            }
            Ok(out)
        })
        .collect()
}

/// Reads `tx`'s tenant row and the rows of every exported table. Through a tenant
/// transaction, so PostgreSQL's row-level security lets it see them.
pub async fn export(tx: &TenantTx) -> Result<TenantData, Error> {
    let conn = tx.conn();
    let tenant = dump(conn, "tenants", "id", tx.tenant_uuid(), "id")
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("tenant"))?;
    let mut tables = BTreeMap::new();
    for t in TABLES {
        if let Export::Rows { order_by, .. } = t.export {
            let rows = dump(conn, t.name, "tenant_id", tx.tenant_uuid(), order_by).await?;
            tables.insert(t.name.to_owned(), rows);
        }
    }
    Ok(TenantData { tenant, tables })
}

/// Orders the rows of a tree so that every row comes after the row its `parent` names.
fn parents_first(table: &str, parent: &str, rows: &[Row]) -> Result<Vec<usize>, Error> {
    let id_of = |r: &Row| r.get("id").and_then(JsonValue::as_str).map(str::to_owned);
    let ids: HashSet<String> = rows.iter().filter_map(id_of).collect();
    let mut placed: HashSet<String> = HashSet::new();
    let mut order = Vec::with_capacity(rows.len());
    let mut pending: Vec<usize> = (0..rows.len()).collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|&i| {
            let p = rows[i].get(parent).and_then(JsonValue::as_str);
            let ready = match p {
                Some(p) => !ids.contains(p) || placed.contains(p),
                None => true,
            };
            if ready {
                if let Some(id) = id_of(&rows[i]) {
                    placed.insert(id);
                }
                order.push(i);
            }
            !ready
        });
        if pending.len() == before {
            return Err(invalid(
                format!("tables.{table}"),
                format!("the {parent} references form a cycle"),
            ));
        }
    }
    Ok(order)
}

/// Inserts `rows` into `table`, checking each belongs to `tenant` (when the table has a
/// `tenant_id`) and binding every value by its column's type.
async fn load(
    conn: &impl ConnectionTrait,
    table: &str,
    rows: &[Row],
    order: &[usize],
    tenant: Uuid,
) -> Result<u64, Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let backend = conn.get_database_backend();
    let cols: HashMap<String, ColType> = columns(conn, table).await?.into_iter().collect();
    let names: Vec<String> = {
        let mut n: Vec<String> = rows[0].keys().cloned().collect();
        n.sort();
        n
    };
    for n in &names {
        if !cols.contains_key(n) {
            return Err(invalid(
                format!("tables.{table}"),
                format!("column {n} does not exist here; import into a FireLater at least as new as the exporting one"),
            ));
        }
    }
    let tenant_value = JsonValue::String(tenant.to_string());
    let mut values: Vec<Vec<Value>> = Vec::with_capacity(rows.len());
    for &i in order {
        let row = &rows[i];
        let field = |col: &str| format!("tables.{table}[{i}].{col}");
        if row.len() != names.len() || !names.iter().all(|n| row.contains_key(n)) {
            return Err(invalid(
                format!("tables.{table}[{i}]"),
                "every row of a table must have the same columns",
            ));
        }
        if cols.contains_key("tenant_id") && row.get("tenant_id") != Some(&tenant_value) {
            return Err(invalid(field("tenant_id"), "must be the imported tenant's id"));
        }
        let mut vals = Vec::with_capacity(names.len());
        for n in &names {
            let ty = cols.get(n).copied().ok_or_else(|| Error::internal("column vanished"))?;
            vals.push(bind(ty, &row[n]).map_err(|m| invalid(field(n), m))?);
        }
        values.push(vals);
    }
    // Well under every backend's limit on bound parameters per statement.
    let per_statement = (900 / names.len().max(1)).max(1);
    for chunk in values.chunks(per_statement) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(names.iter().map(|n| Alias::new(n.as_str())));
        for vals in chunk {
            insert
                .values(vals.iter().cloned().map(Into::into))
                .map_err(|e| Error::internal(format!("building insert into {table}: {e}")))?;
        }
        conn.execute_raw(backend.build(&insert))
            .await
            .map_err(|e| match e.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(m)) => Error::new(
                    ErrorCode::AlreadyExists,
                    format!("a row of {table} already exists on this instance: {m}"),
                ),
                Some(SqlErr::ForeignKeyConstraintViolation(m)) => invalid(
                    format!("tables.{table}"),
                    format!("a row references a row that is not in the export: {m}"),
                ),
                _ => db_err(e),
            })?;
    }
    Ok(values.len() as u64)
}

/// Loads `data` as `tx`'s tenant: inserts its `tenants` row, then every exported table in
/// [`TABLES`] order, refusing a table this instance does not know and any row of another
/// tenant. The caller checks the tenant's id and slug are free and commits.
pub async fn import(tx: &TenantTx, data: &TenantData) -> Result<Imported, Error> {
    let conn = tx.conn();
    let backend = conn.get_database_backend();
    let mut out = Imported::default();
    for name in data.tables.keys() {
        if !TABLES.iter().any(|t| t.name == name && t.exported()) {
            return Err(invalid(
                format!("tables.{name}"),
                "this instance has no such tenant table; import into a FireLater at least as new as the exporting one",
            ));
        }
    }
    let mut tenant = data.tenant.clone();
    if tenant.get("id") != Some(&JsonValue::String(tx.tenant_uuid().to_string())) {
        return Err(invalid("tenant.id".to_owned(), "must be the imported tenant's id"));
    }
    // Plans are the instance's own; a tenant on a plan this instance lacks comes in without one.
    if let Some(plan) = tenant.get("plan_id").and_then(JsonValue::as_str).map(str::to_owned) {
        let plan_id = Uuid::parse_str(&plan).map_err(|_| invalid("tenant.plan_id".to_owned(), "must be a UUID"))?;
        let found = conn
            .query_one_raw(stmt(
                backend,
                "SELECT id FROM plans WHERE id = $1",
                vec![plan_id.into()],
            ))
            .await
            .map_err(db_err)?;
        if found.is_none() {
            tenant.insert("plan_id".to_owned(), JsonValue::Null);
            out.warnings.push(format!(
                "plan {plan} does not exist on this instance; the tenant has no plan"
            ));
        }
    }
    load(conn, "tenants", &[tenant], &[0], tx.tenant_uuid()).await?;
    for t in TABLES {
        let Export::Rows { parent, .. } = t.export else {
            continue;
        };
        let rows = data.tables.get(t.name).map(Vec::as_slice).unwrap_or_default();
        let order = match parent {
            Some(p) => parents_first(t.name, p, rows)?,
            None => (0..rows.len()).collect(),
        };
        let n = load(conn, t.name, rows, &order, tx.tenant_uuid()).await?;
        out.rows.insert(t.name.to_owned(), n);
    }
    Ok(out)
}

/// Deletes tenant `id` and every row of it: the `tenants` row cascades to every tenant-owned
/// table, and the instance queues ([`INSTANCE_TABLES_WITH_TENANT`]) are cleared of it.
/// Returns whether the tenant existed.
pub async fn delete_tenant(tx: &SystemTx, id: Uuid) -> Result<bool, Error> {
    let conn = tx.conn();
    let backend = conn.get_database_backend();
    for table in INSTANCE_TABLES_WITH_TENANT {
        let sql = format!("DELETE FROM {} WHERE tenant_id = $1", quote(table));
        conn.execute_raw(stmt(backend, &sql, vec![id.into()]))
            .await
            .map_err(db_err)?;
    }
    let res = conn
        .execute_raw(stmt(backend, "DELETE FROM tenants WHERE id = $1", vec![id.into()]))
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected() == 1)
}

/// How many rows `tx`'s tenant has in every table with a `tenant_id` column, listed in
/// [`TABLES`] or not.
pub async fn row_counts(tx: &TenantTx) -> Result<BTreeMap<String, u64>, Error> {
    let conn = tx.conn();
    let backend = conn.get_database_backend();
    let mut out = BTreeMap::new();
    for table in dialect::tables_with_column(conn, "tenant_id").await.map_err(db_err)? {
        let sql = format!("SELECT COUNT(*) AS n FROM {} WHERE tenant_id = $1", quote(&table));
        let row = conn
            .query_one_raw(stmt(backend, &sql, vec![tx.tenant_uuid().into()]))
            .await
            .map_err(db_err)?
            .ok_or_else(|| Error::internal("COUNT returned no row"))?;
        let n: i64 = row.try_get("", "n").map_err(db_err)?;
        out.insert(table, u64::try_from(n).unwrap_or_default());
    }
    Ok(out)
}

/// What is wrong with [`TABLES`] for the schema `conn` sees: tables with a `tenant_id` that
/// are not listed, listed tables that do not exist or lack a `tenant_id`, a table listed
/// before a table it references, an exported table referencing one that is not exported, a
/// self-reference not declared as the tree's parent, and column types export cannot carry.
/// Empty when all is well.
pub async fn schema_problems(conn: &impl ConnectionTrait) -> Result<Vec<String>, Error> {
    let backend = conn.get_database_backend();
    let mut problems = Vec::new();
    let with_tenant = dialect::tables_with_column(conn, "tenant_id").await.map_err(db_err)?;
    for table in &with_tenant {
        if !TABLES.iter().any(|t| t.name == table) && !INSTANCE_TABLES_WITH_TENANT.contains(&table.as_str()) {
            problems.push(format!(
                "table {table} has a tenant_id but is not listed in repo::tenant_data::TABLES"
            ));
        }
    }
    let position = |name: &str| TABLES.iter().position(|t| t.name == name);
    for (i, t) in TABLES.iter().enumerate() {
        if position(t.name) != Some(i) {
            problems.push(format!("table {} is listed twice", t.name));
        }
        if !with_tenant.iter().any(|w| w == t.name) {
            problems.push(format!("listed table {} does not exist or has no tenant_id", t.name));
            continue;
        }
        if let Export::Rows { order_by, parent } = t.export {
            let cols = dialect::table_columns(conn, t.name).await.map_err(db_err)?;
            for (col, declared) in &cols {
                if col_type(backend, declared).is_none() {
                    problems.push(format!(
                        "column {}.{col} has type {declared}, which export cannot carry",
                        t.name
                    ));
                }
            }
            let named = order_by.split(',').map(str::trim).chain(parent);
            for col in named.filter(|c| !c.is_empty()) {
                if !cols.iter().any(|(c, _)| c == col) {
                    problems.push(format!(
                        "table {} has no column {col} to order or nest its rows by",
                        t.name
                    ));
                }
            }
        }
    }
    for (table, col, target) in dialect::foreign_keys(conn).await.map_err(db_err)? {
        let Some(i) = position(&table) else { continue };
        let t = TABLES[i];
        if target == "tenants" {
            continue;
        }
        if target == table {
            let declared = matches!(t.export, Export::Rows { parent: Some(p), .. } if p == col);
            if t.exported() && !declared {
                problems.push(format!(
                    "table {table} references itself through {col}: declare it with TenantTable::tree(…, \"{col}\")"
                ));
            }
            continue;
        }
        match position(&target) {
            None => problems.push(format!(
                "table {table}.{col} references {target}, which is not tenant data; an import could not satisfy it"
            )),
            Some(j) if j > i => problems.push(format!(
                "table {table} is listed before {target}, which it references through {col}"
            )),
            Some(j) if t.exported() && !TABLES[j].exported() => problems.push(format!(
                "exported table {table} references {target} through {col}, whose rows are not exported"
            )),
            Some(_) => {}
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_portable_json() {
        let cases = [
            (ColType::Uuid, serde_json::json!("01a20130-ed14-704b-8bbe-c320a4025b28")),
            (
                ColType::TimestampTz,
                serde_json::json!("2026-11-22T02:58:33.364465176Z"),
            ),
            (ColType::Bool, serde_json::json!(true)),
            (ColType::I32, serde_json::json!(7)),
            (ColType::Json, serde_json::json!({"a": [1, null]})),
            (ColType::Bytes, serde_json::json!("00ff10")),
            (ColType::Text, JsonValue::Null),
        ];
        for (ty, v) in cases {
            assert!(bind(ty, &v).is_ok(), "{ty:?} {v}");
        }
        assert!(bind(ColType::Uuid, &serde_json::json!("nope")).is_err());
        assert!(bind(ColType::I16, &serde_json::json!(1_000_000)).is_err());
        assert!(bind(ColType::Text, &serde_json::json!(5)).is_err());
        assert_eq!(unhex(&hex(&[0, 255, 16])), Some(vec![0, 255, 16]));
    }

    #[test]
    fn sqlite_and_postgres_types_are_classified() {
        assert_eq!(col_type(DbBackend::Sqlite, "uuid_text"), Some(ColType::Uuid));
        assert_eq!(
            col_type(DbBackend::Sqlite, "timestamp_with_timezone_text"),
            Some(ColType::TimestampTz)
        );
        assert_eq!(col_type(DbBackend::Sqlite, "jsonb_text"), Some(ColType::Json));
        assert_eq!(col_type(DbBackend::Sqlite, "varchar(255)"), Some(ColType::Text));
        assert_eq!(col_type(DbBackend::Sqlite, "integer"), Some(ColType::I64));
        assert_eq!(col_type(DbBackend::Postgres, "integer"), Some(ColType::I32));
        assert_eq!(
            col_type(DbBackend::Postgres, "timestamp with time zone"),
            Some(ColType::TimestampTz)
        );
        assert_eq!(col_type(DbBackend::Postgres, "numeric"), None);
    }

    #[test]
    fn tree_rows_are_ordered_parents_first_and_cycles_refused() {
        let row = |id: &str, parent: Option<&str>| {
            let mut r = Row::new();
            r.insert("id".into(), serde_json::json!(id));
            r.insert("parent_id".into(), serde_json::json!(parent));
            r
        };
        let rows = vec![row("c", Some("b")), row("b", Some("a")), row("a", None)];
        assert_eq!(parents_first("groups", "parent_id", &rows).ok(), Some(vec![2, 1, 0]));
        let cycle = vec![row("a", Some("b")), row("b", Some("a"))];
        assert!(parents_first("groups", "parent_id", &cycle).is_err());
    }
}
