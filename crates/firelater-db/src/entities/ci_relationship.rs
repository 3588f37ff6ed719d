//! The `ci_relationships` table.

use sea_orm::entity::prelude::*;

/// A row of `ci_relationships`: `source_ci_id --relationship_type--> target_ci_id`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ci_relationships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub source_ci_id: Uuid,
    pub target_ci_id: Uuid,
    pub relationship_type: String,
    pub description: Option<String>,
    pub created_by: Uuid,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
