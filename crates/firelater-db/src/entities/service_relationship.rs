//! The `service_relationships` table.

use sea_orm::entity::prelude::*;

/// A row of `service_relationships`: a typed link from one service to another.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_relationships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub source_service_id: Uuid,
    pub target_service_id: Uuid,
    pub relationship_type: String,
    pub description: Option<String>,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
