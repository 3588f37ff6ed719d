//! Plans, tenants and the instance's own secrets.

use crate::common::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("plans")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string_len("name", 100).unique_key())
                .col(string_len("display_name", 255))
                .col(integer_null("max_users"))
                .col(integer_null("max_applications"))
                .col(json_binary("features"))
                .col(big_integer_null("price_monthly_cents"))
                .col(big_integer_null("price_yearly_cents"))
                .col(boolean("is_active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("tenants")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string_len("name", 255))
                .col(string_len("slug", 100))
                .col(uuid_null("plan_id"))
                .col(string_len("status", 50).default("active"))
                .col(json_binary("settings"))
                .col(string_len_null("billing_email", 255))
                .col(timestamp_with_time_zone_null("trial_ends_at"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_tenants_plan")
                        .from("tenants", "plan_id")
                        .to("plans", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .take(),
        )
        .await?;
        m.create_index(index("tenants", &["slug"], true)).await?;
        m.create_table(
            Table::create()
                .table("system_secrets")
                .if_not_exists()
                .col(string_len("name", 100).primary_key())
                .col(text("value"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await
    }
}
