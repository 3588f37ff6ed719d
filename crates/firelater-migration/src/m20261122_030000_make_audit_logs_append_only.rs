//! The audit log is append-only in the database too, not only in the code: on PostgreSQL the
//! application role loses UPDATE and DELETE on `audit_logs`; on SQLite triggers refuse an
//! update and a delete. Deleting a tenant still removes its rows: PostgreSQL runs the foreign
//! key's cascade as the table's owner, and the SQLite delete trigger lets a row go once its
//! tenant is gone.

use crate::common::APP_ROLE;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM {APP_ROLE}"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_logs_no_update BEFORE UPDATE ON audit_logs
                     BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_logs_no_delete BEFORE DELETE ON audit_logs
                     WHEN EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id)
                     BEGIN SELECT RAISE(ABORT, 'audit_logs is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }
}
