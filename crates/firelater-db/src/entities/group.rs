//! The `groups` table.

use sea_orm::entity::prelude::*;

/// A row of `groups`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub name: String,
    pub description: Option<String>,
    /// `team`, `department` or `distribution` (the column is `type`).
    #[sea_orm(column_name = "type")]
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub email: Option<String>,
    pub settings: Json,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
