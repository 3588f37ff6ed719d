//! The `configuration_items` table.

use sea_orm::entity::prelude::*;

/// A row of `configuration_items`; `deleted_at` marks a soft-deleted one.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "configuration_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub number: String,
    pub name: String,
    pub description: Option<String>,
    pub ci_class: String,
    pub status: String,
    pub environment: String,
    pub service_id: Option<Uuid>,
    pub application_id: Option<Uuid>,
    pub owner_id: Uuid,
    pub managed_by: Option<Uuid>,
    pub attributes: Json,
    pub discovered_by: Option<String>,
    pub last_discovered_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub updated_by: Uuid,
    pub deleted_at: Option<DateTimeUtc>,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
