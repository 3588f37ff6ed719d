//! PostgreSQL only: the application role keeps exactly what the application needs. It loses
//! every right on SeaORM's migration ledger (`seaql_migrations`, granted to it by
//! `m20261122_000004`'s "all tables"), which only the migration owner reads and writes; and
//! the role running the migrations now grants it, by default, the usual privileges on every
//! table and sequence it creates later (`ALTER DEFAULT PRIVILEGES` holds only for objects
//! created by the role that ran it, so a deployment whose migrations moved to a separate owner
//! role gets the defaults for that role too). Row-level security is unchanged: every tenant
//! table already has it (a test checks every table against `INSTANCE_TABLES`).

use crate::common::APP_ROLE;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(&format!(
                "REVOKE ALL ON seaql_migrations FROM {APP_ROLE};
                 ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
                 ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};"
            ))
            .await
            .map(|_| ())
    }
}
