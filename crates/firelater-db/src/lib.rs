//! Storage: connecting to SQLite or PostgreSQL, migrations, the tenant scope every
//! tenant-owned query goes through, and the repositories. SQL lives only in this crate.

pub mod admin;
pub mod dialect;
pub mod entities;
pub mod repo;

use firelater_core::ids::TenantId;
use firelater_core::{Error, ErrorCode};
use firelater_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqlErr, TransactionOptions,
    TransactionTrait,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use firelater_migration::{APP_ROLE, CMDB_SEEDED_CLASSES, INSTANCE_TABLES};
pub use sea_orm::DatabaseTransaction;
pub use sea_orm::DbErr as DatabaseError;

/// Which database engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Tuning for the connection pool.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Most pooled connections.
    pub max_connections: u32,
    /// How long a query waits for a connection or a lock.
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The database: a pool, its backend, and on SQLite the in-process write lock that queues
/// writers fairly instead of letting them spin on `SQLITE_BUSY`.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    backend: Backend,
    write_lock: Option<Arc<Mutex<()>>>,
}

/// Maps a database error to FireLater's error by the constraint it broke: a unique key is a
/// 409 `already_exists` naming the key's fields, a foreign key to nothing a 422
/// `invalid_reference` naming its field; anything else is a 500 whose cause is kept in the
/// detail for the log. Every repository maps its errors through here, so a constraint a
/// service did not check first still answers with the field that is wrong.
pub fn db_err(e: DbErr) -> Error {
    match constraint_violation(&e) {
        Some(Violation::Unique { table, fields }) => {
            let fields: Vec<&str> = fields
                .iter()
                .map(String::as_str)
                .filter(|f| *f != "tenant_id")
                .collect();
            let message = format!("another {} has this {}", singular(&table), fields.join(" and "));
            let mut err = Error::new(ErrorCode::AlreadyExists, message.clone());
            for f in &fields {
                err.fields.entry((*f).to_owned()).or_default().push(message.clone());
            }
            err
        }
        Some(Violation::ForeignKey { field }) => {
            let message = "refers to a record that does not exist";
            let mut err = Error::new(ErrorCode::InvalidReference, message);
            if let Some(f) = field {
                err.detail = format!("{f} {message}");
                err.fields.entry(f).or_default().push(message.to_owned());
            }
            err
        }
        None => Error::internal(format!("database: {e}")),
    }
}

/// Like [`db_err`], with `message` for a unique violation on a key that includes `needle`.
pub fn unique_err(e: DbErr, needle: &str, field: &str, message: &str) -> Error {
    match constraint_violation(&e) {
        Some(Violation::Unique { fields, .. }) if fields.iter().any(|f| f == needle) => {
            let mut err = Error::field(field, message);
            err.code = ErrorCode::AlreadyExists;
            err.detail = message.to_owned();
            err
        }
        _ => db_err(e),
    }
}

/// A broken constraint, as far as the backend says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A unique key of `table` on `fields`.
    Unique {
        /// The table.
        table: String,
        /// The key's columns.
        fields: Vec<String>,
    },
    /// A foreign key; PostgreSQL names the column, SQLite does not.
    ForeignKey {
        /// The referencing column, when known.
        field: Option<String>,
    },
}

/// Reads which constraint `e` broke. SQLite names a unique key's columns in its message
/// (`UNIQUE constraint failed: users.tenant_id, users.email`) but says nothing about a
/// foreign key. PostgreSQL names the table and the constraint (it omits the key's values
/// under row-level security), and FireLater names constraints after their columns:
/// `uq_<table>_<columns>` for unique keys (`firelater_migration`'s `index`) and
/// `fk_<table>_<column>` for foreign keys, where a column without `_id`/`_by` gets `_id`
/// (`fk_groups_parent` → `parent_id`).
pub fn constraint_violation(e: &DbErr) -> Option<Violation> {
    let (unique, message) = match e.sql_err()? {
        SqlErr::UniqueConstraintViolation(m) => (true, m),
        SqlErr::ForeignKeyConstraintViolation(m) => (false, m),
        _ => return None,
    };
    if let Some((table, constraint)) = pg_table_and_constraint(e) {
        let rest = constraint
            .strip_prefix(if unique { "uq_" } else { "fk_" })
            .and_then(|c| c.strip_prefix(table.as_str()))
            .and_then(|c| c.strip_prefix('_'));
        return Some(match (unique, rest) {
            (true, Some(cols)) => Violation::Unique {
                fields: split_columns(cols),
                table,
            },
            (true, None) => Violation::Unique {
                table,
                fields: Vec::new(),
            },
            (false, rest) => Violation::ForeignKey {
                field: rest.filter(|r| *r != "tenant").map(|r| {
                    if r.ends_with("_id") || r.ends_with("_by") {
                        r.to_owned()
                    } else {
                        format!("{r}_id")
                    }
                }),
            },
        });
    }
    if !unique {
        return Some(Violation::ForeignKey { field: None });
    }
    let list = message.split("constraint failed:").nth(1)?;
    let mut table = String::new();
    let fields = list
        .split(',')
        .filter_map(|c| {
            let (t, col) = c.trim().split_once('.')?;
            table = t.to_owned();
            Some(col.to_owned())
        })
        .collect();
    Some(Violation::Unique { table, fields })
}

/// Splits `tenant_id_user_id_role_id` into its columns: a column ends at `id`, or at the end.
fn split_columns(cols: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for part in cols.split('_') {
        cur.push(part);
        if part == "id" {
            out.push(cur.join("_"));
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("_"));
    }
    out
}

fn pg_table_and_constraint(e: &DbErr) -> Option<(String, String)> {
    use sea_orm::RuntimeErr;
    let d = match e {
        DbErr::Exec(RuntimeErr::SqlxError(x)) | DbErr::Query(RuntimeErr::SqlxError(x)) => match x.as_ref() {
            sea_orm::sqlx::Error::Database(d) => d.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()?,
            _ => return None,
        },
        _ => return None,
    };
    Some((d.table()?.to_owned(), d.constraint()?.to_owned()))
}

fn singular(table: &str) -> String {
    let t = table.strip_suffix('s').unwrap_or(table);
    t.replace('_', " ")
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) as the application when the URL's
    /// user also owns the schema (the single-URL setup of development and tests). On
    /// PostgreSQL every pooled connection takes on the application role, which owns no table,
    /// so row-level security applies to everything the application does; but the login user
    /// is still the owner, so a statement could `RESET ROLE`. Production uses a separate
    /// runtime login role and [`Db::connect_runtime`] (ADR 0011).
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Self, DbErr> {
        Self::connect_inner(url, opts, true).await
    }

    /// Connects as the URL's own user, for migrations and administration.
    pub async fn connect_owner(url: &str, opts: &DbOptions) -> Result<Self, DbErr> {
        Self::connect_inner(url, opts, false).await
    }

    /// Connects to `url` as the application when the URL's user is a dedicated runtime login
    /// role (a member of the application role that owns nothing; ADR 0011): no role switch,
    /// the pool simply is that role, so there is no owner to `RESET ROLE` back to. Check the
    /// role with [`admin::runtime_role_problems`] before serving.
    pub async fn connect_runtime(url: &str, opts: &DbOptions) -> Result<Self, DbErr> {
        Self::connect_inner(url, opts, false).await
    }

    async fn connect_inner(url: &str, opts: &DbOptions, as_app: bool) -> Result<Self, DbErr> {
        let backend =
            backend_of(url).ok_or_else(|| DbErr::Custom(format!("unsupported database URL scheme in {url:?}")))?;
        let mut co = ConnectOptions::new(url.to_owned());
        co.max_connections(opts.max_connections)
            .min_connections(0)
            .acquire_timeout(opts.acquire_timeout)
            .sqlx_logging(false);
        match backend {
            Backend::Sqlite => {
                let timeout = opts.acquire_timeout;
                co.map_sqlx_sqlite_opts(move |o| {
                    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(timeout)
                });
            }
            Backend::Postgres if as_app => {
                co.map_sqlx_postgres_opts(|o| o.options([("role", firelater_migration::APP_ROLE)]));
            }
            Backend::Postgres => {}
        }
        let conn = Database::connect(co).await?;
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Self {
            conn,
            backend,
            write_lock,
        })
    }

    /// Runs every pending migration. Idempotent.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// The backend of this pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), DbErr> {
        self.conn.close().await
    }

    async fn begin_inner(&self, write: bool) -> Result<(DatabaseTransaction, Option<OwnedMutexGuard<()>>), Error> {
        let guard = match (&self.write_lock, write) {
            (Some(lock), true) => Some(lock.clone().lock_owned().await),
            _ => None,
        };
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite && write)
                .then_some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.conn.begin_with_options(options).await.map_err(db_err)?;
        Ok((txn, guard))
    }

    /// Begins a writing transaction scoped to `tenant`.
    pub async fn tenant_write(&self, tenant: TenantId) -> Result<TenantTx, Error> {
        let (txn, guard) = self.begin_inner(true).await?;
        TenantTx::start(txn, tenant, guard).await
    }

    /// Begins a read-only use of `tenant`'s data (a transaction, so RLS sees the tenant).
    pub async fn tenant_read(&self, tenant: TenantId) -> Result<TenantTx, Error> {
        let (txn, guard) = self.begin_inner(false).await?;
        TenantTx::start(txn, tenant, guard).await
    }

    /// Begins a read of `tenant`'s data in which every query sees the same snapshot (an
    /// export): repeatable read and read-only on PostgreSQL; a SQLite read transaction is a
    /// snapshot already.
    pub async fn tenant_snapshot(&self, tenant: TenantId) -> Result<TenantTx, Error> {
        let options = match self.backend {
            Backend::Postgres => TransactionOptions {
                isolation_level: Some(sea_orm::IsolationLevel::RepeatableRead),
                access_mode: Some(sea_orm::AccessMode::ReadOnly),
                ..Default::default()
            },
            Backend::Sqlite => TransactionOptions::default(),
        };
        let txn = self.conn.begin_with_options(options).await.map_err(db_err)?;
        TenantTx::start(txn, tenant, None).await
    }

    /// Begins a writing transaction over instance-level tables (tenants, jobs, outbox).
    pub async fn system_write(&self) -> Result<SystemTx, Error> {
        let (txn, guard) = self.begin_inner(true).await?;
        Ok(SystemTx { txn, _guard: guard })
    }

    /// Instance-level reads that need no transaction.
    pub fn system(&self) -> &impl ConnectionTrait {
        &self.conn
    }
}

fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

/// A transaction whose every query belongs to one tenant. Repositories for tenant-owned
/// tables take it as a required argument and filter by [`TenantTx::tenant`]; on PostgreSQL
/// the transaction also carries the tenant in `app.tenant_id`, which row-level security checks.
pub struct TenantTx {
    txn: DatabaseTransaction,
    tenant: TenantId,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl TenantTx {
    async fn start(
        txn: DatabaseTransaction,
        tenant: TenantId,
        guard: Option<OwnedMutexGuard<()>>,
    ) -> Result<Self, Error> {
        if txn.get_database_backend() == DbBackend::Postgres {
            dialect::set_tenant(&txn, tenant).await.map_err(db_err)?;
        }
        Ok(Self {
            txn,
            tenant,
            _guard: guard,
        })
    }

    /// The tenant every query of this transaction is scoped to.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    /// The tenant as a UUID, for filters.
    pub fn tenant_uuid(&self) -> uuid::Uuid {
        self.tenant.0
    }

    /// The underlying connection. Repositories use it; queries made through it still run
    /// under the tenant's row-level security on PostgreSQL.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Commits the transaction and releases the write lock.
    pub async fn commit(self) -> Result<(), Error> {
        self.txn.commit().await.map_err(db_err)
    }
}

/// A transaction over instance-level tables.
pub struct SystemTx {
    txn: DatabaseTransaction,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl SystemTx {
    /// The underlying connection.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Commits the transaction and releases the write lock.
    pub async fn commit(self) -> Result<(), Error> {
        self.txn.commit().await.map_err(db_err)
    }

    /// Continues this transaction as `tenant`'s, for work that creates a tenant and its
    /// first rows together.
    pub async fn into_tenant(self, tenant: TenantId) -> Result<TenantTx, Error> {
        TenantTx::start(self.txn, tenant, self._guard).await
    }
}

#[cfg(test)]
mod constraint_tests {
    use super::split_columns;

    #[test]
    fn constraint_names_split_into_their_columns() {
        let cases: &[(&str, &[&str])] = &[
            ("name", &["name"]),
            ("tenant_id_email", &["tenant_id", "email"]),
            ("user_id_role_id", &["user_id", "role_id"]),
            ("entity_type", &["entity_type"]),
            ("tenant_id_key_hash", &["tenant_id", "key_hash"]),
        ];
        for (name, cols) in cases {
            assert_eq!(split_columns(name), cols.to_vec(), "{name}");
        }
    }
}
