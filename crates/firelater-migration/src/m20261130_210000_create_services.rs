//! Business services: `services` (a tree through `parent_service_id`, soft-deleted through
//! `deleted_at`, numbered `SRV-00001` per tenant, costs in integer cents: ADR 0017),
//! `service_relationships` (typed links between two services), `service_stakeholders` (a
//! user in a role), `application_services` (the services an application realises), the
//! history of services' statuses, and the `services:*` permissions for the system roles of
//! tenants that already exist (new tenants get them from `SystemRole::permissions`).

use crate::common::{create_status_history, enable_rls, index, tenant_fk, tenant_table};
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

/// A tenant-owned link table that is never updated: `id`, `tenant_id`, `created_at`,
/// `created_by`.
fn link_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(pk_uuid("id"))
        .col(uuid("tenant_id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(uuid_null("created_by"))
        .foreign_key(&mut tenant_fk(name))
        .take()
}

/// The permissions each system role gains, as `SystemRole::permissions` lists them.
const GRANTS: &[(&str, &str)] = &[
    ("admin", "services:read"),
    ("admin", "services:create"),
    ("admin", "services:update"),
    ("admin", "services:delete"),
    ("manager", "services:read"),
    ("manager", "services:create"),
    ("manager", "services:update"),
    ("agent", "services:read"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant_table("services")
                .col(string_len("number", 50))
                .col(string_len("name", 200))
                .col(text_null("description"))
                .col(string_len_null("domain", 100))
                .col(string_len("type", 50))
                .col(uuid_null("parent_service_id"))
                .col(string_len("status", 50).default("design"))
                .col(uuid("owner_id"))
                .col(uuid_null("manager_id"))
                .col(integer_null("sla_target"))
                .col(big_integer("cost_people").default(0))
                .col(big_integer("cost_process").default(0))
                .col(big_integer("cost_technology").default(0))
                // The sum of the three, written with them (the specification's generated
                // column), so lists sort by it.
                .col(big_integer("total_cost").default(0))
                .col(json_binary("metadata"))
                .col(uuid_null("created_by"))
                .col(uuid_null("updated_by"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut fk(
                    "services",
                    "parent_service_id",
                    "services",
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk("services", "owner_id", "users", ForeignKeyAction::NoAction))
                .foreign_key(&mut fk("services", "manager_id", "users", ForeignKeyAction::SetNull))
                .take(),
        )
        .await?;
        m.create_index(index("services", &["tenant_id", "number"], true))
            .await?;
        for col in ["name", "type", "status", "domain", "parent_service_id", "owner_id"] {
            m.create_index(index("services", &["tenant_id", col], false)).await?;
        }

        m.create_table(
            link_table("service_relationships")
                .col(uuid("source_service_id"))
                .col(uuid("target_service_id"))
                .col(string_len("relationship_type", 50))
                .col(text_null("description"))
                .foreign_key(&mut fk(
                    "service_relationships",
                    "source_service_id",
                    "services",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "service_relationships",
                    "target_service_id",
                    "services",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        // PostgreSQL cuts names at 63 characters, so the key on (source, target, type) gets a
        // short name; the service checks for a duplicate before it inserts.
        m.create_index(
            Index::create()
                .name("uq_service_relationships_link")
                .table("service_relationships")
                .col("tenant_id")
                .col("source_service_id")
                .col("target_service_id")
                .col("relationship_type")
                .unique()
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_index(index(
            "service_relationships",
            &["tenant_id", "target_service_id"],
            false,
        ))
        .await?;

        m.create_table(
            link_table("service_stakeholders")
                .col(uuid("service_id"))
                .col(uuid("user_id"))
                .col(string_len("role", 50))
                .foreign_key(&mut fk(
                    "service_stakeholders",
                    "service_id",
                    "services",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "service_stakeholders",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "service_stakeholders",
            &["tenant_id", "service_id", "user_id", "role"],
            true,
        ))
        .await?;
        m.create_index(index("service_stakeholders", &["tenant_id", "user_id"], false))
            .await?;

        m.create_table(
            link_table("application_services")
                .col(uuid("application_id"))
                .col(uuid("service_id"))
                .foreign_key(&mut fk(
                    "application_services",
                    "application_id",
                    "applications",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "application_services",
                    "service_id",
                    "services",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "application_services",
            &["tenant_id", "application_id", "service_id"],
            true,
        ))
        .await?;
        m.create_index(index("application_services", &["tenant_id", "service_id"], false))
            .await?;

        enable_rls(
            m,
            &[
                "services",
                "service_relationships",
                "service_stakeholders",
                "application_services",
            ],
        )
        .await?;

        create_status_history(m, "service_status_history", "service_id", "services").await?;

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
