//! Tenants: the customer organisations an instance serves, each `active` or `suspended` by
//! the platform operator.

use crate::ids::TenantId;
use chrono::{DateTime, Utc};
use serde_json::Value;

crate::string_enum! {
    /// Whether a tenant's users may use FireLater.
    pub enum TenantStatus {
        /// In service.
        Active = "active",
        /// Suspended by the platform operator: nobody signs in, no token works.
        Suspended = "suspended",
    }
}

impl TenantStatus {
    /// Whether the platform operator may move a tenant from `self` to `to`.
    pub fn can_transition(self, to: Self) -> bool {
        self != to
    }
}

/// A tenant as the service sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    /// Id.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// URL-safe unique slug, used at sign-in.
    pub slug: String,
    /// The plan.
    pub plan_id: Option<uuid::Uuid>,
    /// In service or suspended.
    pub status: TenantStatus,
    /// Free-form settings.
    pub settings: Value,
    /// Billing contact.
    pub billing_email: Option<String>,
    /// End of the trial.
    pub trial_ends_at: Option<DateTime<Utc>>,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::TenantStatus::{self, *};

    #[test]
    fn a_tenant_moves_between_active_and_suspended_only() {
        let cases = [
            (Active, Suspended, true),
            (Suspended, Active, true),
            (Active, Active, false),
            (Suspended, Suspended, false),
        ];
        for (from, to, ok) in cases {
            assert_eq!(from.can_transition(to), ok, "{from} -> {to}");
        }
        assert_eq!(cases.len(), TenantStatus::ALL.len().pow(2));
    }
}
