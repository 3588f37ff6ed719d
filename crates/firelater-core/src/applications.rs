//! The application registry: the tenant's applications (`APP-00001`), each with a tier, an
//! owner, a support group and a lifecycle, and the environments it is deployed to. An
//! application is soft-deleted (its history stays readable); an environment belongs to one
//! application and its name is unique within it.

use crate::ids::{ApplicationId, EnvironmentId, GroupId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// `as_str`, `ALL`, `NAMES`, `FromStr` and `Display` for an enum whose values are not its
/// variants' names in snake_case (`P1`, `on-prem`), so [`crate::string_enum!`] cannot declare
/// it: the enum itself is written out with literal serde renames, which the OpenAPI derive
/// reads, and this adds the rest.
macro_rules! enum_names {
    ($name:ident { $($variant:ident = $s:literal,)+ }) => {
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// Every value's name, in declaration order (for list filters).
            pub const NAMES: &'static [&'static str] = &[$($s),+];

            /// The value's name as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s,)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::enums::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok(Self::$variant),)+
                    _ => Err($crate::enums::UnknownValue {
                        value: s.to_owned(),
                        allowed: Self::NAMES,
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// How important an application is to the business, `P1` (most) to `P4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Tier {
    /// Most important.
    #[serde(rename = "P1")]
    P1,
    /// Important.
    #[serde(rename = "P2")]
    P2,
    /// Ordinary.
    #[serde(rename = "P3")]
    P3,
    /// Least important.
    #[serde(rename = "P4")]
    P4,
}

enum_names!(Tier {
    P1 = "P1",
    P2 = "P2",
    P3 = "P3",
    P4 = "P4",
});

crate::string_enum! {
    /// Whether an application is in use.
    pub enum ApplicationStatus {
        /// In use.
        Active = "active",
        /// Not in use for now.
        Inactive = "inactive",
        /// On its way out.
        Deprecated = "deprecated",
    }
}

crate::string_enum! {
    /// Where an application is in its life.
    pub enum LifecycleStage {
        /// Being built.
        Development = "development",
        /// Being tried before release.
        Staging = "staging",
        /// Serving its users.
        Production = "production",
        /// Being retired.
        Sunset = "sunset",
    }
}

crate::string_enum! {
    /// What the business loses when an application stops.
    pub enum Criticality {
        /// The business stops.
        MissionCritical = "mission_critical",
        /// A business function stops.
        BusinessCritical = "business_critical",
        /// Daily work is hampered.
        BusinessOperational = "business_operational",
        /// Administrative inconvenience.
        Administrative = "administrative",
    }
}

crate::string_enum! {
    /// What an environment is for.
    pub enum EnvironmentType {
        /// Development.
        Dev = "dev",
        /// Testing.
        Test = "test",
        /// Staging, before production.
        Staging = "staging",
        /// Production.
        Prod = "prod",
    }
}

crate::string_enum! {
    /// Whether an environment is in use.
    pub enum EnvironmentStatus {
        /// In use.
        Active = "active",
        /// Not in use.
        Inactive = "inactive",
    }
}

/// Where an environment runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum CloudProvider {
    /// Amazon Web Services.
    #[serde(rename = "aws")]
    Aws,
    /// Google Cloud Platform.
    #[serde(rename = "gcp")]
    Gcp,
    /// Microsoft Azure.
    #[serde(rename = "azure")]
    Azure,
    /// The organisation's own data centre.
    #[serde(rename = "on-prem")]
    OnPrem,
}

enum_names!(CloudProvider {
    Aws = "aws",
    Gcp = "gcp",
    Azure = "azure",
    OnPrem = "on-prem",
});

/// The most tags an application may carry.
pub const MAX_TAGS: usize = 50;
/// The longest tag, in characters.
pub const TAG_MAX: usize = 100;
/// The most resource ids an environment may list.
pub const MAX_RESOURCE_IDS: usize = 500;
/// The longest resource id, in characters.
pub const RESOURCE_ID_MAX: usize = 512;
/// The longest environment URL, in characters.
pub const URL_MAX: usize = 2048;

/// An application as the service sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// Id.
    pub id: ApplicationId,
    /// Human-readable number, `APP-00001`, unique in the tenant.
    pub app_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Tier.
    pub tier: Tier,
    /// Status.
    pub status: ApplicationStatus,
    /// Lifecycle stage.
    pub lifecycle_stage: LifecycleStage,
    /// Owning user.
    pub owner_user_id: Option<UserId>,
    /// Owning group.
    pub owner_group_id: Option<GroupId>,
    /// Supporting group.
    pub support_group_id: Option<GroupId>,
    /// Business unit.
    pub business_unit: Option<String>,
    /// Criticality.
    pub criticality: Option<Criticality>,
    /// Tags, each once, in the order given.
    pub tags: Vec<String>,
    /// Free-form metadata object.
    pub metadata: Value,
    /// Health score, 0–100, computed by the health module.
    pub health_score: Option<f64>,
    /// When the health score was last computed.
    pub health_score_updated_at: Option<DateTime<Utc>>,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// An environment of an application.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// Id.
    pub id: EnvironmentId,
    /// The application.
    pub application_id: ApplicationId,
    /// Name, unique within the application.
    pub name: String,
    /// Kind.
    pub kind: EnvironmentType,
    /// Where it answers.
    pub url: Option<String>,
    /// Where it runs.
    pub cloud_provider: Option<CloudProvider>,
    /// Cloud account (an AWS account id, …).
    pub cloud_account: Option<String>,
    /// Cloud region.
    pub cloud_region: Option<String>,
    /// Cloud resource ids.
    pub resource_ids: Vec<String>,
    /// Status.
    pub status: EnvironmentStatus,
    /// Free-form metadata object.
    pub metadata: Value,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// An `http` or `https` URL of at most [`URL_MAX`] characters, trimmed, with a host and no
/// spaces or control characters.
pub fn http_url(field: &str, value: &str) -> crate::Result<String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let ok = v.chars().count() <= URL_MAX
        && !v.chars().any(|c| c.is_control() || c.is_whitespace())
        && host.is_some_and(|h| {
            let h = h.rsplit('@').next().unwrap_or_default();
            let name = h.split(':').next().unwrap_or_default();
            !name.is_empty() || h.starts_with('[')
        });
    if ok {
        Ok(v.to_owned())
    } else {
        Err(crate::Error::field(
            field,
            format!("must be an http:// or https:// URL with a host, at most {URL_MAX} characters"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::schema_values;
    use rstest::rstest;

    #[test]
    fn tiers_and_providers_document_store_and_parse_the_same_names() {
        assert_eq!(schema_values::<Tier>(), ["P1", "P2", "P3", "P4"]);
        assert_eq!(Tier::NAMES, ["P1", "P2", "P3", "P4"]);
        assert_eq!(schema_values::<CloudProvider>(), CloudProvider::NAMES);
        assert_eq!(CloudProvider::OnPrem.as_str(), "on-prem");
        for t in Tier::ALL {
            assert_eq!(serde_json::to_value(t).ok(), Some(serde_json::json!(t.as_str())));
            assert_eq!(t.as_str().parse::<Tier>().ok(), Some(*t));
        }
        for p in CloudProvider::ALL {
            assert_eq!(serde_json::to_value(p).ok(), Some(serde_json::json!(p.as_str())));
            assert_eq!(p.as_str().parse::<CloudProvider>().ok(), Some(*p));
        }
        assert!("p1".parse::<Tier>().is_err());
    }

    #[rstest]
    #[case("https://app.example.com", true)]
    #[case("http://10.0.0.1:8080/health?x=1", true)]
    #[case("  https://example.com/path  ", true)]
    #[case("HTTPS://EXAMPLE.COM", true)]
    #[case("http://[::1]:80/", true)]
    #[case("ftp://example.com", false)]
    #[case("example.com", false)]
    #[case("https://", false)]
    #[case("https:///path", false)]
    #[case("https://exa mple.com", false)]
    #[case("javascript:alert(1)", false)]
    fn urls_are_http_with_a_host(#[case] url: &str, #[case] ok: bool) {
        assert_eq!(http_url("url", url).is_ok(), ok, "{url}");
    }
}
