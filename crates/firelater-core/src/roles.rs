//! Roles: named sets of permissions, four seeded per tenant (system roles) and any number of
//! custom ones.

use crate::ids::RoleId;
use chrono::{DateTime, Utc};

/// A role as the service sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Id.
    pub id: RoleId,
    /// Unique name, e.g. `agent`.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: Option<String>,
    /// Seeded with the tenant; cannot be deleted.
    pub is_system: bool,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}
