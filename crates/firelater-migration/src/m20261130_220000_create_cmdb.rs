//! The CMDB: `ci_classes` (per tenant, name unique, an optional JSON Schema for attributes),
//! `configuration_items` (numbered `CI-00001`, soft-deleted through `deleted_at`;
//! `service_id` references a business service) and `ci_relationships`
//! (typed edges, unique per source, target and type, indexed from both ends for the impact
//! walk). Existing tenants get the seeded classes and their system roles the `cmdb:*`
//! permissions (new tenants get both when they are created).

use crate::common::{enable_rls, index, tenant_table};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

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
    ("admin", "cmdb:read"),
    ("admin", "cmdb:create"),
    ("admin", "cmdb:update"),
    ("admin", "cmdb:delete"),
    ("manager", "cmdb:read"),
    ("manager", "cmdb:create"),
    ("manager", "cmdb:update"),
    ("agent", "cmdb:read"),
];

/// The classes every tenant starts with (name, label, description, attribute schema): a
/// frozen copy of `firelater_core::cmdb::SEEDED_CLASSES` as of this migration.
pub const CLASSES: &[(&str, &str, &str, &str)] = &[
    (
        "server",
        "Server",
        "A physical or virtual machine.",
        r#"{"type":"object","properties":{"os":{"type":"string","maxLength":200},"cpu_cores":{"type":"integer","minimum":1},"ram_gb":{"type":"number","minimum":0},"ip_address":{"type":"string","format":"ipv4"},"hostname":{"type":"string","maxLength":255}}}"#,
    ),
    (
        "database",
        "Database",
        "A database or database cluster.",
        r#"{"type":"object","properties":{"engine":{"enum":["postgresql","mysql","mariadb","sqlite","oracle","sqlserver","mongodb","redis","cassandra","dynamodb","other"]},"version":{"type":"string","maxLength":50},"size_gb":{"type":"number","minimum":0}}}"#,
    ),
    (
        "application",
        "Application",
        "A deployed piece of software.",
        r#"{"type":"object","properties":{"version":{"type":"string","maxLength":50},"language":{"type":"string","maxLength":100},"repository":{"type":"string","format":"uri"}}}"#,
    ),
    (
        "network_device",
        "Network device",
        "A router, switch, firewall or access point.",
        r#"{"type":"object","properties":{"vendor":{"type":"string","maxLength":100},"model":{"type":"string","maxLength":100},"ip_address":{"type":"string","format":"ipv4"},"ports":{"type":"integer","minimum":0}}}"#,
    ),
    (
        "load_balancer",
        "Load balancer",
        "Spreads traffic over a pool of targets.",
        r#"{"type":"object","properties":{"scheme":{"enum":["internet-facing","internal"]},"dns_name":{"type":"string","maxLength":255},"listeners":{"type":"array","items":{"type":"integer","minimum":1,"maximum":65535}}}}"#,
    ),
    (
        "container",
        "Container",
        "A container or container service.",
        r#"{"type":"object","properties":{"image":{"type":"string","maxLength":500},"replicas":{"type":"integer","minimum":0},"orchestrator":{"type":"string","maxLength":100}}}"#,
    ),
    (
        "function",
        "Function",
        "A serverless function.",
        r#"{"type":"object","properties":{"runtime":{"type":"string","maxLength":100},"memory_mb":{"type":"integer","minimum":1},"timeout_seconds":{"type":"integer","minimum":1}}}"#,
    ),
    (
        "storage",
        "Storage",
        "A volume, bucket or file share.",
        r#"{"type":"object","properties":{"kind":{"enum":["block","object","file"]},"capacity_gb":{"type":"number","minimum":0},"encrypted":{"type":"boolean"}}}"#,
    ),
    (
        "queue",
        "Queue",
        "A message queue or topic.",
        r#"{"type":"object","properties":{"broker":{"type":"string","maxLength":100},"fifo":{"type":"boolean"}}}"#,
    ),
    (
        "dns_record",
        "DNS record",
        "A name in a DNS zone.",
        r#"{"type":"object","properties":{"record_type":{"enum":["A","AAAA","CNAME","MX","TXT","NS","SRV","CAA","PTR"]},"value":{"type":"string","maxLength":1000},"ttl":{"type":"integer","minimum":0}}}"#,
    ),
    (
        "certificate",
        "Certificate",
        "A TLS certificate.",
        r#"{"type":"object","properties":{"expires_at":{"type":"string","format":"date-time"},"issuer":{"type":"string","maxLength":255},"subject":{"type":"string","maxLength":255}}}"#,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant_table("ci_classes")
                .col(string_len("name", 63))
                .col(string_len("label", 255))
                .col(text_null("description"))
                .col(json_binary_null("attribute_schema"))
                .take(),
        )
        .await?;
        m.create_index(index("ci_classes", &["tenant_id", "name"], true))
            .await?;

        m.create_table(
            tenant_table("configuration_items")
                .col(string_len("number", 50))
                .col(string_len("name", 200))
                .col(text_null("description"))
                .col(string_len("ci_class", 63))
                .col(string_len("status", 50).default("active"))
                .col(string_len("environment", 50))
                .col(uuid_null("service_id"))
                .col(uuid_null("application_id"))
                .col(uuid("owner_id"))
                .col(uuid_null("managed_by"))
                .col(json_binary("attributes"))
                .col(string_len_null("discovered_by", 100))
                .col(timestamp_with_time_zone_null("last_discovered_at"))
                .col(uuid("created_by"))
                .col(uuid("updated_by"))
                .col(timestamp_with_time_zone_null("deleted_at"))
                .foreign_key(&mut fk(
                    "configuration_items",
                    "application_id",
                    "applications",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "configuration_items",
                    "service_id",
                    "services",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "configuration_items",
                    "owner_id",
                    "users",
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk(
                    "configuration_items",
                    "managed_by",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("configuration_items", &["tenant_id", "number"], true))
            .await?;
        for col in [
            "name",
            "ci_class",
            "status",
            "environment",
            "service_id",
            "application_id",
            "owner_id",
        ] {
            m.create_index(index("configuration_items", &["tenant_id", col], false))
                .await?;
        }

        m.create_table(
            tenant_table("ci_relationships")
                .col(uuid("source_ci_id"))
                .col(uuid("target_ci_id"))
                .col(string_len("relationship_type", 50))
                .col(text_null("description"))
                .col(uuid("created_by"))
                .foreign_key(&mut fk(
                    "ci_relationships",
                    "source_ci_id",
                    "configuration_items",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "ci_relationships",
                    "target_ci_id",
                    "configuration_items",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        // The unique key serves the walk from a source; the second index the walk from a
        // target (downstream impact), both narrowed by type.
        m.create_index(index(
            "ci_relationships",
            &["tenant_id", "source_ci_id", "target_ci_id", "relationship_type"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ci_relationships",
            &["tenant_id", "target_ci_id", "relationship_type"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ci_relationships",
            &["tenant_id", "source_ci_id", "relationship_type"],
            false,
        ))
        .await?;
        m.create_index(index("ci_relationships", &["tenant_id", "relationship_type"], false))
            .await?;
        enable_rls(m, &["ci_classes", "configuration_items", "ci_relationships"]).await?;

        let conn = m.get_connection();
        let backend = m.get_database_backend();
        let tenants = conn
            .query_all_raw(Statement::from_string(backend, "SELECT id FROM tenants"))
            .await?;
        let now = chrono::Utc::now();
        let sql = match backend {
            sea_orm_migration::sea_orm::DbBackend::Postgres => {
                "INSERT INTO ci_classes (id, tenant_id, version, created_at, updated_at, name, label, description, attribute_schema)
                 VALUES ($1, $2, 1, $3, $3, $4, $5, $6, CAST($7 AS jsonb))"
            }
            _ => {
                "INSERT INTO ci_classes (id, tenant_id, version, created_at, updated_at, name, label, description, attribute_schema)
                 VALUES (?1, ?2, 1, ?3, ?3, ?4, ?5, ?6, ?7)"
            }
        };
        for t in tenants {
            let tenant: uuid::Uuid = t.try_get("", "id")?;
            for (name, label, description, schema) in CLASSES {
                conn.execute_raw(Statement::from_sql_and_values(
                    backend,
                    sql,
                    [
                        uuid::Uuid::now_v7().into(),
                        tenant.into(),
                        now.into(),
                        (*name).into(),
                        (*label).into(),
                        (*description).into(),
                        (*schema).into(),
                    ],
                ))
                .await?;
            }
        }

        let grants = GRANTS
            .iter()
            .map(|(role, permission)| format!("SELECT '{role}' AS role_name, '{permission}' AS permission"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        conn.execute_unprepared(&format!(
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
