//! API keys of service accounts: stored only as SHA-256 hashes, each with the subset of its
//! creator's permissions it was granted, an optional expiry, its last use and its revocation.

use crate::common::{enable_rls, index, tenant_table};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant_table("api_keys")
                .col(string_len("name", 255))
                .col(string_len("prefix", 16))
                .col(string_len("key_hash", 64))
                .col(json_binary("permissions"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .name("fk_api_keys_created_by")
                        .from("api_keys", "created_by")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index("api_keys", &["tenant_id", "key_hash"], true))
            .await?;
        m.create_index(index("api_keys", &["tenant_id", "created_at"], false))
            .await?;
        enable_rls(m, &["api_keys"]).await
    }
}
