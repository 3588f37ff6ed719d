//! The CMDB: a tenant's classes of configuration items (`server`, `database`, …, each with an
//! optional JSON Schema for its items' `attributes`), its configuration items (`CI-00001`,
//! soft-deleted) and the typed relationships between them, over which impact analysis and the
//! neighbourhood graph walk.
//!
//! Invariants kept here and in the service: a class name is a slug unique in the tenant; a
//! CI's `attributes` satisfy its class's schema at the time of the write (a later schema
//! change rewrites nothing); a relationship links two different live CIs of one tenant, once
//! per type; a soft-deleted CI keeps its relationship rows but leaves every list, graph and
//! impact result.

pub mod cells;
pub mod impact;
pub mod schema;

use crate::ids::{ApplicationId, CiClassId, CiId, CiRelationshipId, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

crate::string_enum! {
    /// Whether a configuration item is in service.
    pub enum CiStatus {
        /// In service.
        Active = "active",
        /// Not in service for now.
        Inactive = "inactive",
        /// Out of service for good.
        Retired = "retired",
        /// Under maintenance.
        Maintenance = "maintenance",
    }
}

crate::string_enum! {
    /// The environment a configuration item belongs to (the GaaS `environment_type`).
    pub enum CiEnvironment {
        /// Production.
        Production = "production",
        /// Staging.
        Staging = "staging",
        /// Development.
        Development = "development",
        /// Test.
        Test = "test",
    }
}

crate::string_enum! {
    /// How one configuration item relates to another (`source` → `target`).
    pub enum RelationshipType {
        /// The source runs on the target (an application on a server).
        RunsOn = "runs_on",
        /// The source needs the target.
        DependsOn = "depends_on",
        /// A network connection from the source to the target.
        ConnectsTo = "connects_to",
        /// The source manages the target.
        Manages = "manages",
        /// The source is part of the target.
        PartOf = "part_of",
        /// The source is backed up by the target.
        BackedUpBy = "backed_up_by",
        /// The source replicates its data to the target.
        ReplicatesTo = "replicates_to",
    }
}

crate::string_enum! {
    /// Which way an impact analysis walks.
    pub enum ImpactDirection {
        /// Everything hit if the start fails: the CIs that need it, transitively.
        Downstream = "downstream",
        /// Everything the start needs, transitively.
        Upstream = "upstream",
    }
}

crate::string_enum! {
    /// Which end of a relationship a CI is, seen from that CI.
    pub enum RelationshipDirection {
        /// The CI is the relationship's source.
        Outgoing = "outgoing",
        /// The CI is the relationship's target.
        Incoming = "incoming",
    }
}

/// The longest class name.
pub const CLASS_NAME_MAX: usize = 63;
/// The longest class label, in characters.
pub const CLASS_LABEL_MAX: usize = 255;
/// The longest CI name, in characters.
pub const CI_NAME_MAX: usize = 200;
/// The longest `discovered_by`, in characters.
pub const DISCOVERED_BY_MAX: usize = 100;
/// The largest `attributes` object, in bytes of JSON.
pub const MAX_ATTRIBUTES_BYTES: usize = 64 * 1024;
/// The largest attribute schema, in bytes of JSON.
pub const MAX_SCHEMA_BYTES: usize = 64 * 1024;
/// The deepest an impact analysis walks.
pub const MAX_IMPACT_DEPTH: u32 = 10;
/// How deep an impact analysis walks when not told.
pub const DEFAULT_IMPACT_DEPTH: u32 = 5;
/// The deepest a neighbourhood graph reaches.
pub const MAX_GRAPH_DEPTH: u32 = 5;
/// How deep a neighbourhood graph reaches when not told.
pub const DEFAULT_GRAPH_DEPTH: u32 = 2;
/// The most nodes a neighbourhood graph holds; beyond it the farthest are left out.
pub const MAX_GRAPH_NODES: usize = 500;

/// A class of configuration items.
#[derive(Debug, Clone, PartialEq)]
pub struct CiClass {
    /// Id.
    pub id: CiClassId,
    /// Slug, unique in the tenant (`server`).
    pub name: String,
    /// Human name (`Server`).
    pub label: String,
    /// Free text.
    pub description: Option<String>,
    /// The JSON Schema its items' `attributes` must satisfy, from the subset of [`schema`].
    pub attribute_schema: Option<Value>,
    /// How many live CIs have this class.
    pub ci_count: u64,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A configuration item.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigItem {
    /// Id.
    pub id: CiId,
    /// `CI-00001`, unique in the tenant.
    pub number: String,
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The class's name.
    pub ci_class: String,
    /// Status.
    pub status: CiStatus,
    /// Environment.
    pub environment: CiEnvironment,
    /// The business service it supports.
    pub service_id: Option<Uuid>,
    /// The application it belongs to.
    pub application_id: Option<ApplicationId>,
    /// Owner.
    pub owner_id: UserId,
    /// Who manages it.
    pub managed_by: Option<UserId>,
    /// Class-specific attributes (an object).
    pub attributes: Value,
    /// What discovered it (`aws-auto-discovery`, `manual`).
    pub discovered_by: Option<String>,
    /// When it was last discovered.
    pub last_discovered_at: Option<DateTime<Utc>>,
    /// Who created it.
    pub created_by: UserId,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A configuration item in brief, as relationship lists, graphs and impact results show it.
#[derive(Debug, Clone, PartialEq)]
pub struct CiSummary {
    /// Id.
    pub id: CiId,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Class name.
    pub ci_class: String,
    /// Status.
    pub status: CiStatus,
    /// Environment.
    pub environment: CiEnvironment,
    /// Its application.
    pub application_id: Option<ApplicationId>,
    /// Its business service.
    pub service_id: Option<Uuid>,
}

impl From<&ConfigItem> for CiSummary {
    fn from(c: &ConfigItem) -> Self {
        Self {
            id: c.id,
            number: c.number.clone(),
            name: c.name.clone(),
            ci_class: c.ci_class.clone(),
            status: c.status,
            environment: c.environment,
            application_id: c.application_id,
            service_id: c.service_id,
        }
    }
}

/// A relationship between two configuration items.
#[derive(Debug, Clone, PartialEq)]
pub struct CiRelationship {
    /// Id.
    pub id: CiRelationshipId,
    /// The source CI.
    pub source_ci_id: CiId,
    /// The target CI.
    pub target_ci_id: CiId,
    /// Type.
    pub relationship_type: RelationshipType,
    /// Free text.
    pub description: Option<String>,
    /// Who made it.
    pub created_by: UserId,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A class name: a slug matching `^[a-z][a-z0-9_]{0,62}$`.
pub fn class_name(field: &str, value: &str) -> crate::Result<String> {
    let mut chars = value.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && value.len() <= CLASS_NAME_MAX
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(value.to_owned())
    } else {
        Err(crate::Error::field(
            field,
            "must start with a lower-case letter and hold only a-z, 0-9 and _, at most 63 characters",
        ))
    }
}

/// An attribute key of an `attr.<key>` list filter: `^[A-Za-z0-9_]{1,64}$`.
pub fn is_attribute_key(key: &str) -> bool {
    (1..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A class every tenant starts with: name, label, description and attribute schema (JSON).
#[derive(Debug, Clone, Copy)]
pub struct SeededClass {
    /// Slug.
    pub name: &'static str,
    /// Human name.
    pub label: &'static str,
    /// Description.
    pub description: &'static str,
    /// The attribute schema as JSON text, or `None`.
    pub schema: Option<&'static str>,
}

/// The classes every tenant starts with. Migration `m20261130_220000_create_cmdb` holds a
/// frozen copy for the tenants that existed before it; a test keeps the two equal.
pub const SEEDED_CLASSES: &[SeededClass] = &[
    SeededClass {
        name: "server",
        label: "Server",
        description: "A physical or virtual machine.",
        schema: Some(
            r#"{"type":"object","properties":{"os":{"type":"string","maxLength":200},"cpu_cores":{"type":"integer","minimum":1},"ram_gb":{"type":"number","minimum":0},"ip_address":{"type":"string","format":"ipv4"},"hostname":{"type":"string","maxLength":255}}}"#,
        ),
    },
    SeededClass {
        name: "database",
        label: "Database",
        description: "A database or database cluster.",
        schema: Some(
            r#"{"type":"object","properties":{"engine":{"enum":["postgresql","mysql","mariadb","sqlite","oracle","sqlserver","mongodb","redis","cassandra","dynamodb","other"]},"version":{"type":"string","maxLength":50},"size_gb":{"type":"number","minimum":0}}}"#,
        ),
    },
    SeededClass {
        name: "application",
        label: "Application",
        description: "A deployed piece of software.",
        schema: Some(
            r#"{"type":"object","properties":{"version":{"type":"string","maxLength":50},"language":{"type":"string","maxLength":100},"repository":{"type":"string","format":"uri"}}}"#,
        ),
    },
    SeededClass {
        name: "network_device",
        label: "Network device",
        description: "A router, switch, firewall or access point.",
        schema: Some(
            r#"{"type":"object","properties":{"vendor":{"type":"string","maxLength":100},"model":{"type":"string","maxLength":100},"ip_address":{"type":"string","format":"ipv4"},"ports":{"type":"integer","minimum":0}}}"#,
        ),
    },
    SeededClass {
        name: "load_balancer",
        label: "Load balancer",
        description: "Spreads traffic over a pool of targets.",
        schema: Some(
            r#"{"type":"object","properties":{"scheme":{"enum":["internet-facing","internal"]},"dns_name":{"type":"string","maxLength":255},"listeners":{"type":"array","items":{"type":"integer","minimum":1,"maximum":65535}}}}"#,
        ),
    },
    SeededClass {
        name: "container",
        label: "Container",
        description: "A container or container service.",
        schema: Some(
            r#"{"type":"object","properties":{"image":{"type":"string","maxLength":500},"replicas":{"type":"integer","minimum":0},"orchestrator":{"type":"string","maxLength":100}}}"#,
        ),
    },
    SeededClass {
        name: "function",
        label: "Function",
        description: "A serverless function.",
        schema: Some(
            r#"{"type":"object","properties":{"runtime":{"type":"string","maxLength":100},"memory_mb":{"type":"integer","minimum":1},"timeout_seconds":{"type":"integer","minimum":1}}}"#,
        ),
    },
    SeededClass {
        name: "storage",
        label: "Storage",
        description: "A volume, bucket or file share.",
        schema: Some(
            r#"{"type":"object","properties":{"kind":{"enum":["block","object","file"]},"capacity_gb":{"type":"number","minimum":0},"encrypted":{"type":"boolean"}}}"#,
        ),
    },
    SeededClass {
        name: "queue",
        label: "Queue",
        description: "A message queue or topic.",
        schema: Some(
            r#"{"type":"object","properties":{"broker":{"type":"string","maxLength":100},"fifo":{"type":"boolean"}}}"#,
        ),
    },
    SeededClass {
        name: "dns_record",
        label: "DNS record",
        description: "A name in a DNS zone.",
        schema: Some(
            r#"{"type":"object","properties":{"record_type":{"enum":["A","AAAA","CNAME","MX","TXT","NS","SRV","CAA","PTR"]},"value":{"type":"string","maxLength":1000},"ttl":{"type":"integer","minimum":0}}}"#,
        ),
    },
    SeededClass {
        name: "certificate",
        label: "Certificate",
        description: "A TLS certificate.",
        schema: Some(
            r#"{"type":"object","properties":{"expires_at":{"type":"string","format":"date-time"},"issuer":{"type":"string","maxLength":255},"subject":{"type":"string","maxLength":255}}}"#,
        ),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::schema_values;
    use rstest::rstest;

    #[rstest]
    #[case("server", true)]
    #[case("network_device", true)]
    #[case("a", true)]
    #[case("x9_", true)]
    #[case("Server", false)]
    #[case("9lives", false)]
    #[case("_x", false)]
    #[case("has-dash", false)]
    #[case("", false)]
    #[case(&"a".repeat(63), true)]
    #[case(&"a".repeat(64), false)]
    fn class_names_are_slugs(#[case] name: &str, #[case] ok: bool) {
        assert_eq!(class_name("name", name).is_ok(), ok, "{name}");
    }

    #[rstest]
    #[case("os", true)]
    #[case("OS_2", true)]
    #[case("", false)]
    #[case("a.b", false)]
    #[case("a-b", false)]
    #[case(&"k".repeat(64), true)]
    #[case(&"k".repeat(65), false)]
    fn attribute_keys_are_word_characters(#[case] key: &str, #[case] ok: bool) {
        assert_eq!(is_attribute_key(key), ok, "{key}");
    }

    #[test]
    fn every_seeded_class_has_a_valid_name_and_schema() {
        for c in SEEDED_CLASSES {
            assert!(class_name("name", c.name).is_ok(), "{}", c.name);
            if let Some(s) = c.schema {
                let v: Value = serde_json::from_str(s).expect("schema is JSON");
                schema::check_schema(&v).unwrap_or_else(|e| panic!("{}: {e:?}", c.name));
            }
        }
        assert_eq!(SEEDED_CLASSES.len(), 11);
    }

    #[test]
    fn enums_document_store_and_parse_the_same_names() {
        assert_eq!(schema_values::<CiStatus>(), CiStatus::NAMES);
        assert_eq!(schema_values::<CiEnvironment>(), CiEnvironment::NAMES);
        assert_eq!(schema_values::<RelationshipType>(), RelationshipType::NAMES);
        assert_eq!(schema_values::<ImpactDirection>(), ImpactDirection::NAMES);
    }
}
