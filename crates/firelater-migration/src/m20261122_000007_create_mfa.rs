//! TOTP multi-factor authentication: one `user_mfa` row per enrolled user, pending until the
//! first code confirms it, with the hashes of the unused recovery codes and the last accepted
//! time step (a code is accepted once).

use crate::common::{enable_rls, tenant_fk};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("user_mfa")
                .if_not_exists()
                .col(uuid("user_id").primary_key())
                .col(uuid("tenant_id"))
                .col(integer("version").default(1))
                .col(string_len("secret", 128))
                .col(timestamp_with_time_zone_null("enabled_at"))
                .col(json_binary("recovery_codes"))
                .col(big_integer_null("last_used_step"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut tenant_fk("user_mfa"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .name("fk_user_mfa_user")
                        .from("user_mfa", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        enable_rls(m, &["user_mfa"]).await
    }
}
