//! The `services` table.

use sea_orm::entity::prelude::*;

/// A row of `services`; costs are cents, `sla_target` hundredths of a percent, and
/// `deleted_at` marks a soft-deleted one.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "services")]
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
    pub domain: Option<String>,
    #[sea_orm(column_name = "type")]
    pub kind: String,
    pub parent_service_id: Option<Uuid>,
    pub status: String,
    pub owner_id: Uuid,
    pub manager_id: Option<Uuid>,
    pub sla_target: Option<i32>,
    pub cost_people: i64,
    pub cost_process: i64,
    pub cost_technology: i64,
    pub total_cost: i64,
    pub metadata: Json,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub deleted_at: Option<DateTimeUtc>,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
