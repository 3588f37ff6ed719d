//! Users, roles and their permissions, login sessions and refresh tokens.

use crate::common::{index, tenant_fk, tenant_table};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(name: &str, from: (&'static str, &'static str), to: (&'static str, &'static str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant_table("users")
                .col(string_len("email", 255))
                .col(string_len("name", 255))
                .col(text_null("avatar_url"))
                .col(string_len_null("phone", 50))
                .col(string_len("timezone", 100).default("UTC"))
                .col(string_len("status", 20).default("active"))
                .col(string_len("auth_provider", 50).default("local"))
                .col(string_len_null("external_id", 255))
                .col(text_null("password_hash"))
                .col(timestamp_with_time_zone_null("last_login_at"))
                .col(json_binary("settings"))
                .take(),
        )
        .await?;
        m.create_index(index("users", &["tenant_id", "email"], true)).await?;
        m.create_index(index("users", &["tenant_id", "status"], false)).await?;

        m.create_table(
            tenant_table("roles")
                .col(string_len("name", 100))
                .col(string_len("display_name", 255))
                .col(text_null("description"))
                .col(boolean("is_system").default(false))
                .take(),
        )
        .await?;
        m.create_index(index("roles", &["tenant_id", "name"], true)).await?;

        m.create_table(
            Table::create()
                .table("role_permissions")
                .if_not_exists()
                .col(uuid("tenant_id"))
                .col(uuid("role_id"))
                .col(string_len("permission", 150))
                .primary_key(Index::create().col("role_id").col("permission"))
                .foreign_key(&mut tenant_fk("role_permissions"))
                .foreign_key(&mut fk(
                    "fk_role_permissions_role",
                    ("role_permissions", "role_id"),
                    ("roles", "id"),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("user_roles")
                .if_not_exists()
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(uuid("role_id"))
                .col(uuid_null("granted_by"))
                .col(timestamp_with_time_zone("granted_at"))
                .primary_key(Index::create().col("user_id").col("role_id"))
                .foreign_key(&mut tenant_fk("user_roles"))
                .foreign_key(&mut fk(
                    "fk_user_roles_user",
                    ("user_roles", "user_id"),
                    ("users", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_user_roles_role",
                    ("user_roles", "role_id"),
                    ("roles", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index("user_roles", &["tenant_id", "role_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string_len_null("user_agent", 512))
                .col(string_len_null("ip", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_used_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(string_len_null("revoked_reason", 50))
                .foreign_key(&mut tenant_fk("sessions"))
                .foreign_key(&mut fk("fk_sessions_user", ("sessions", "user_id"), ("users", "id")))
                .take(),
        )
        .await?;
        m.create_index(index("sessions", &["tenant_id", "user_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("refresh_tokens")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid("session_id"))
                .col(string_len("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("rotated_at"))
                .foreign_key(&mut tenant_fk("refresh_tokens"))
                .foreign_key(&mut fk(
                    "fk_refresh_tokens_session",
                    ("refresh_tokens", "session_id"),
                    ("sessions", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index("refresh_tokens", &["tenant_id", "token_hash"], true))
            .await?;
        m.create_index(index("refresh_tokens", &["session_id"], false)).await
    }
}
