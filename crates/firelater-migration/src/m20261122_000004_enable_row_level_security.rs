//! PostgreSQL only: the application role and row-level security on every tenant table, the
//! second wall behind the tenant filter every repository applies. SQLite has no RLS; there the
//! repositories' tenant scope is the only wall.

use crate::common::{APP_ROLE, TENANT_TABLES};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Creates the application role if it is missing. Roles are cluster-wide, so concurrent
/// migrations of several databases (tests do that) may race; the loser's error is ignored.
pub(crate) fn create_app_role_sql() -> String {
    format!(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
             CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
           END IF;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
         END $$;
         DO $$ BEGIN
           IF NOT pg_has_role(current_user, '{APP_ROLE}', 'MEMBER') THEN
             EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
           END IF;
         EXCEPTION WHEN duplicate_object OR unique_violation OR internal_error THEN NULL;
         END $$;"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared(&create_app_role_sql()).await?;
        db.execute_unprepared(&format!(
            "GRANT USAGE ON SCHEMA public TO {APP_ROLE};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
             ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
             ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};"
        ))
        .await?;
        for table in TENANT_TABLES {
            db.execute_unprepared(&crate::common::rls_policy_sql(table)).await?;
        }
        Ok(())
    }
}
