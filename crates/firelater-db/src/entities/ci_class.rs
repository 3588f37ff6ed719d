//! The `ci_classes` table.

use sea_orm::entity::prelude::*;

/// A row of `ci_classes`: a tenant's class of configuration items.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ci_classes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    pub attribute_schema: Option<Json>,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
