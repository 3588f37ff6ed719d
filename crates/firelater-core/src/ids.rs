//! Typed identifiers. Every primary key is a UUID v7 (time-ordered, so B-tree inserts stay
//! local) wrapped in a newtype, so a `UserId` can never be passed where a `TenantId` is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

id_type! {
    /// A tenant: one customer organisation, the unit of isolation.
    TenantId,
    /// A user account inside a tenant.
    UserId,
    /// A login session (one refresh-token family).
    SessionId,
    /// A role inside a tenant.
    RoleId,
    /// A background job.
    JobId,
    /// An outbox event.
    EventId,
    /// An audit log entry.
    AuditId,
    /// An API key of a service account.
    ApiKeyId,
    /// A group of users.
    GroupId,
    /// An application of the registry.
    ApplicationId,
    /// One environment (deployment) of an application.
    EnvironmentId,
    /// A business service of the portfolio.
    ServiceId,
    /// A typed link between two services.
    ServiceRelationshipId,
    /// A user's role in a service.
    ServiceStakeholderId,
    /// A class of configuration items (`server`, `database`, …) of a tenant's CMDB.
    CiClassId,
    /// A configuration item of the CMDB.
    CiId,
    /// A relationship between two configuration items.
    CiRelationshipId,
}
