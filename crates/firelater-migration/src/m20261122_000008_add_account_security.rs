//! Account security: failed-login counting and lockout on users, password-reset tokens, and
//! users' notification preferences.

use crate::common::{enable_rls, index, tenant_fk, tenant_table};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement: SQLite takes one column at a time.
        if !m.has_column("users", "failed_login_count").await? {
            m.alter_table(
                Table::alter()
                    .table("users")
                    .add_column(integer("failed_login_count").default(0))
                    .take(),
            )
            .await?;
        }
        if !m.has_column("users", "locked_until").await? {
            m.alter_table(
                Table::alter()
                    .table("users")
                    .add_column(timestamp_with_time_zone_null("locked_until"))
                    .take(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table("password_resets")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string_len("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(string_len_null("ip", 64))
                .foreign_key(&mut tenant_fk("password_resets"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .name("fk_password_resets_user")
                        .from("password_resets", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index("password_resets", &["tenant_id", "token_hash"], true))
            .await?;

        m.create_table(
            tenant_table("notification_preferences")
                .col(uuid("user_id"))
                .col(string_len("event_category", 100))
                .col(string_len("event_type", 100))
                .col(boolean("email_enabled").default(true))
                .col(boolean("slack_enabled").default(false))
                .col(boolean("sms_enabled").default(false))
                .col(boolean("push_enabled").default(true))
                .col(boolean("instant").default(true))
                .col(boolean("digest").default(false))
                .col(boolean("quiet_hours").default(true))
                .foreign_key(
                    &mut ForeignKey::create()
                        .name("fk_notification_preferences_user")
                        .from("notification_preferences", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "notification_preferences",
            &["tenant_id", "user_id", "event_category", "event_type"],
            true,
        ))
        .await?;
        enable_rls(m, &["password_resets", "notification_preferences"]).await
    }
}
