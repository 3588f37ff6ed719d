//! The history of users' statuses (`pending` → `active` → `inactive`), written by the change
//! recorder beside each move's audit row.

use crate::common::create_status_history;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_status_history(m, "user_status_history", "user_id", "users").await
    }
}
