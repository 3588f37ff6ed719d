//! Column sets shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// The PostgreSQL role the application runs as. It owns no table, so row-level security
/// applies to every query it makes.
pub const APP_ROLE: &str = "firelater_app";

/// The tenant tables of the first migrations, which `m20261122_000004` put under row-level
/// security. Later migrations call [`enable_rls`] for their own tables instead of growing this.
pub const TENANT_TABLES: &[&str] = &[
    "users",
    "roles",
    "role_permissions",
    "user_roles",
    "sessions",
    "refresh_tokens",
    "id_sequences",
    "idempotency_keys",
    "audit_logs",
];

/// Every instance-level table: the instance's own configuration and queues, which no tenant
/// owns. They have no row-level security (workers and the platform operator read them across
/// tenants) and are reached through `Db::system` / `SystemTx`. Every other table is a
/// tenant's, listed in `firelater_db::repo::tenant_data::TABLES` and under the tenant
/// isolation policy ([`enable_rls`]); a test fails when a table is in neither list or in both.
pub const INSTANCE_TABLES: &[&str] = &[
    // SeaORM's ledger of applied migrations; only the migration owner may read or write it.
    "seaql_migrations",
    "plans",
    "tenants",
    "system_secrets",
    "outbox_events",
    "jobs",
    "event_receipts",
    "event_ledger",
];

/// `CREATE TABLE IF NOT EXISTS name (id uuid primary key, tenant_id … on delete cascade,
/// version, created_at, updated_at)`: the standard columns of a tenant-owned, mutable table.
pub fn tenant_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(pk_uuid("id"))
        .col(uuid("tenant_id"))
        .col(integer("version").default(1))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(&mut tenant_fk(name))
        .take()
}

/// A foreign key from `table.tenant_id` to `tenants.id` that deletes with the tenant.
pub fn tenant_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_tenant"))
        .from(table, "tenant_id")
        .to("tenants", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

/// An index on `table(cols…)`, named `idx_table_cols`.
pub fn index(table: &'static str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!(
        "{}_{table}_{}",
        if unique { "uq" } else { "idx" },
        cols.join("_")
    ))
    .table(table)
    .if_not_exists();
    for c in cols {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

/// Enables row-level security on `table`: rows are visible and writable only when their
/// `tenant_id` equals the transaction's `app.tenant_id` setting. Unset means no rows.
pub fn rls_policy_sql(table: &str) -> String {
    format!(
        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
         DROP POLICY IF EXISTS tenant_isolation ON {table};
         CREATE POLICY tenant_isolation ON {table}
           USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
           WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);"
    )
}

/// PostgreSQL only: puts `tables` under the tenant isolation policy. Every migration that
/// creates a tenant-owned table calls this for it.
pub async fn enable_rls(m: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
    if m.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        m.get_connection().execute_unprepared(&rls_policy_sql(table)).await?;
    }
    Ok(())
}

/// A status-history table of the shape the change recorder writes
/// (`firelater_db::repo::status_history`): `id`, `tenant_id`, the entity's column `key`
/// (a foreign key to `parent.id` that goes with it), `from_status`, `to_status`,
/// `changed_by`, `reason`, `created_at`, indexed by tenant and entity.
pub async fn create_status_history(
    m: &SchemaManager<'_>,
    table: &'static str,
    key: &'static str,
    parent: &'static str,
) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(table)
            .if_not_exists()
            .col(pk_uuid("id"))
            .col(uuid("tenant_id"))
            .col(uuid(key))
            .col(string_len_null("from_status", 50))
            .col(string_len("to_status", 50))
            .col(uuid_null("changed_by"))
            .col(text_null("reason"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut tenant_fk(table))
            .foreign_key(
                &mut ForeignKey::create()
                    .name(format!("fk_{table}_{key}"))
                    .from(table, key)
                    .to(parent, "id")
                    .on_delete(ForeignKeyAction::Cascade)
                    .take(),
            )
            .take(),
    )
    .await?;
    m.create_index(index(table, &["tenant_id", key, "created_at"], false))
        .await?;
    enable_rls(m, &[table]).await
}
