//! Schema migrations, written once for SQLite and PostgreSQL with SeaORM's schema builders.
//! Append-only: a merged migration is never edited; renames go expand/contract. Migrations run
//! at start-up and by `firelater migrate`, and running them twice changes nothing.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261122_000001_create_platform_tables;
mod m20261122_000002_create_identity_tables;
mod m20261122_000003_create_platform_queues;
mod m20261122_000004_enable_row_level_security;
mod m20261122_000005_create_groups;
mod m20261122_000006_create_api_keys;
mod m20261122_000007_create_mfa;
mod m20261122_000008_add_account_security;
mod m20261122_030000_make_audit_logs_append_only;
mod m20261130_000001_restrict_app_role;
mod m20261130_100000_create_user_status_history;
mod m20261130_120000_create_event_delivery;
mod m20261130_200000_create_applications;
mod m20261130_210000_create_services;
mod m20261130_220000_create_cmdb;

pub use common::{APP_ROLE, INSTANCE_TABLES, TENANT_TABLES, enable_rls};
/// The CMDB classes migration `m20261130_220000` seeded for existing tenants.
pub use m20261130_220000_create_cmdb::CLASSES as CMDB_SEEDED_CLASSES;

/// All migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_platform_tables::Migration),
            Box::new(m20261122_000002_create_identity_tables::Migration),
            Box::new(m20261122_000003_create_platform_queues::Migration),
            Box::new(m20261122_000004_enable_row_level_security::Migration),
            Box::new(m20261122_000005_create_groups::Migration),
            Box::new(m20261122_000006_create_api_keys::Migration),
            Box::new(m20261122_000007_create_mfa::Migration),
            Box::new(m20261122_000008_add_account_security::Migration),
            Box::new(m20261122_030000_make_audit_logs_append_only::Migration),
            Box::new(m20261130_000001_restrict_app_role::Migration),
            Box::new(m20261130_100000_create_user_status_history::Migration),
            Box::new(m20261130_120000_create_event_delivery::Migration),
            Box::new(m20261130_200000_create_applications::Migration),
            Box::new(m20261130_210000_create_services::Migration),
            Box::new(m20261130_220000_create_cmdb::Migration),
        ]
    }
}
