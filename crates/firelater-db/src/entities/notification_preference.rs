//! The `notification_preferences` table.

use sea_orm::entity::prelude::*;

/// A row of `notification_preferences`: how one user wants one kind of event delivered.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: Uuid,
    pub event_category: String,
    pub event_type: String,
    pub email_enabled: bool,
    pub slack_enabled: bool,
    pub sms_enabled: bool,
    pub push_enabled: bool,
    pub instant: bool,
    pub digest: bool,
    pub quiet_hours: bool,
}

/// No relations are navigated through SeaORM; repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
