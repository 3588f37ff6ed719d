//! The `applications` table.

use sea_orm::entity::prelude::*;

/// A row of `applications`; `deleted_at` marks a soft-deleted one.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub app_id: String,
    pub name: String,
    pub description: Option<String>,
    pub tier: String,
    pub status: String,
    pub lifecycle_stage: String,
    pub owner_user_id: Option<Uuid>,
    pub owner_group_id: Option<Uuid>,
    pub support_group_id: Option<Uuid>,
    pub business_unit: Option<String>,
    pub criticality: Option<String>,
    /// A JSON array of strings.
    pub tags: Json,
    pub metadata: Json,
    pub health_score: Option<f64>,
    pub health_score_updated_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
