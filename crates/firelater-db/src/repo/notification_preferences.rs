//! Users' notification preferences: one row per user, event category and event type.

use crate::entities::notification_preference;
use crate::{TenantTx, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// One preference to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    /// e.g. `issues`.
    pub event_category: String,
    /// e.g. `assigned`.
    pub event_type: String,
    /// Email on.
    pub email_enabled: bool,
    /// Slack on.
    pub slack_enabled: bool,
    /// SMS on.
    pub sms_enabled: bool,
    /// Push / in-app on.
    pub push_enabled: bool,
    /// Send at once.
    pub instant: bool,
    /// Include in the digest.
    pub digest: bool,
    /// Respect quiet hours.
    pub quiet_hours: bool,
}

/// The preferences of `user_id`, ordered by category and type.
pub async fn of_user(tx: &TenantTx, user_id: Uuid) -> Result<Vec<notification_preference::Model>, Error> {
    notification_preference::Entity::find()
        .filter(notification_preference::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(notification_preference::Column::UserId.eq(user_id))
        .order_by_asc(notification_preference::Column::EventCategory)
        .order_by_asc(notification_preference::Column::EventType)
        .all(tx.conn())
        .await
        .map_err(db_err)
}

/// Replaces all preferences of `user_id` with `prefs`.
pub async fn replace(tx: &TenantTx, user_id: Uuid, prefs: &[Preference], now: DateTime<Utc>) -> Result<(), Error> {
    notification_preference::Entity::delete_many()
        .filter(notification_preference::Column::TenantId.eq(tx.tenant_uuid()))
        .filter(notification_preference::Column::UserId.eq(user_id))
        .exec(tx.conn())
        .await
        .map_err(db_err)?;
    for p in prefs {
        notification_preference::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(tx.tenant_uuid()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            user_id: Set(user_id),
            event_category: Set(p.event_category.clone()),
            event_type: Set(p.event_type.clone()),
            email_enabled: Set(p.email_enabled),
            slack_enabled: Set(p.slack_enabled),
            sms_enabled: Set(p.sms_enabled),
            push_enabled: Set(p.push_enabled),
            instant: Set(p.instant),
            digest: Set(p.digest),
            quiet_hours: Set(p.quiet_hours),
        }
        .insert(tx.conn())
        .await
        .map_err(db_err)?;
    }
    Ok(())
}
