//! The `service_stakeholders` table.

use sea_orm::entity::prelude::*;

/// A row of `service_stakeholders`: a user in a role in a service.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_stakeholders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub service_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
