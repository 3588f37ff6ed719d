//! The `environments` table.

use sea_orm::entity::prelude::*;

/// A row of `environments`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "environments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub application_id: Uuid,
    pub name: String,
    /// `dev`, `test`, `staging` or `prod` (the column is `type`).
    #[sea_orm(column_name = "type")]
    pub kind: String,
    pub url: Option<String>,
    pub cloud_provider: Option<String>,
    pub cloud_account: Option<String>,
    pub cloud_region: Option<String>,
    /// A JSON array of strings.
    pub resource_ids: Json,
    pub status: String,
    pub metadata: Json,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
