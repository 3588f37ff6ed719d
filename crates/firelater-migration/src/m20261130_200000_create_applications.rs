//! The application registry: `applications` (soft-deleted through `deleted_at`, numbered
//! `APP-00001` per tenant), their `environments` (name unique per application, deleted with
//! it), the history of applications' statuses, and the `applications:*` permissions for the
//! system roles of tenants that already exist (new tenants get them from
//! `SystemRole::permissions` when their roles are seeded).

use crate::common::{create_status_history, enable_rls, index, tenant_table};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    table: &'static str,
    col: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to(to, "id")
        .on_delete(on_delete)
        .take()
}

/// The permissions each system role gains, as `SystemRole::permissions` lists them.
const GRANTS: &[(&str, &str)] = &[
    ("admin", "applications:read"),
    ("admin", "applications:create"),
    ("admin", "applications:update"),
    ("admin", "applications:delete"),
    ("manager", "applications:read"),
    ("manager", "applications:create"),
    ("manager", "applications:update"),
    ("agent", "applications:read"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant_table("applications")
                .col(string_len("app_id", 50))
                .col(string_len("name", 255))
                .col(text_null("description"))
                .col(string_len("tier", 10))
                .col(string_len("status", 50).default("active"))
                .col(string_len("lifecycle_stage", 50).default("production"))
                .col(uuid_null("owner_user_id"))
                .col(uuid_null("owner_group_id"))
                .col(uuid_null("support_group_id"))
                .col(string_len_null("business_unit", 255))
                .col(string_len_null("criticality", 50))
                .col(json_binary("tags"))
                .col(json_binary("metadata"))
                .col(double_null("health_score"))
                .col(timestamp_with_time_zone_null("health_score_updated_at"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut fk(
                    "applications",
                    "owner_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "applications",
                    "owner_group_id",
                    "groups",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "applications",
                    "support_group_id",
                    "groups",
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("applications", &["tenant_id", "app_id"], true))
            .await?;
        for col in [
            "name",
            "tier",
            "status",
            "owner_user_id",
            "owner_group_id",
            "support_group_id",
        ] {
            m.create_index(index("applications", &["tenant_id", col], false))
                .await?;
        }

        m.create_table(
            tenant_table("environments")
                .col(uuid("application_id"))
                .col(string_len("name", 100))
                .col(string_len("type", 50))
                .col(text_null("url"))
                .col(string_len_null("cloud_provider", 50))
                .col(string_len_null("cloud_account", 255))
                .col(string_len_null("cloud_region", 50))
                .col(json_binary("resource_ids"))
                .col(string_len("status", 50).default("active"))
                .col(json_binary("metadata"))
                .foreign_key(&mut fk(
                    "environments",
                    "application_id",
                    "applications",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("environments", &["tenant_id", "application_id", "name"], true))
            .await?;
        m.create_index(index("environments", &["tenant_id", "type"], false))
            .await?;
        enable_rls(m, &["applications", "environments"]).await?;

        create_status_history(m, "application_status_history", "application_id", "applications").await?;

        let grants = GRANTS
            .iter()
            .map(|(role, permission)| format!("SELECT '{role}' AS role_name, '{permission}' AS permission"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO role_permissions (tenant_id, role_id, permission)
                 SELECT r.tenant_id, r.id, g.permission
                 FROM roles r JOIN ({grants}) g ON r.name = g.role_name
                 WHERE r.is_system
                   AND NOT EXISTS (SELECT 1 FROM role_permissions rp
                                   WHERE rp.role_id = r.id AND rp.permission = g.permission)"
            ))
            .await
            .map(|_| ())
    }
}
