//! Users of a tenant: their record and the status they move through. A user is `pending`
//! until they have a password, `active` while they may sign in, and `inactive` once
//! deactivated; users are never deleted, so their history stays attributed.

use crate::ids::UserId;
use chrono::{DateTime, Utc};

crate::string_enum! {
    /// Where a user's account stands.
    pub enum UserStatus {
        /// May sign in.
        Active = "active",
        /// Deactivated: cannot sign in; their records stay.
        Inactive = "inactive",
        /// Created without a password; active once they set one.
        Pending = "pending",
    }
}

impl UserStatus {
    /// Whether a user may move from `self` to `to`: a pending user becomes active by setting
    /// a password; anyone may be deactivated, and a deactivated user reactivated (back to
    /// pending when they never had a password).
    pub fn can_transition(self, to: Self) -> bool {
        use UserStatus::*;
        matches!(
            (self, to),
            (Pending, Active) | (Pending, Inactive) | (Active, Inactive) | (Inactive, Active) | (Inactive, Pending)
        )
    }
}

/// A user as the service sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Email, normalised, unique in the tenant.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// IANA time zone.
    pub timezone: String,
    /// Account status.
    pub status: UserStatus,
    /// `local`, or the SSO provider.
    pub auth_provider: String,
    /// The Argon2id hash of their password; never leaves the service.
    pub password_hash: Option<String>,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Failed password attempts since the last success.
    pub failed_login_count: i32,
    /// Locked out until.
    pub locked_until: Option<DateTime<Utc>>,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::UserStatus::{self, *};

    #[test]
    fn status_transitions_follow_the_table() {
        let cases = [
            (Pending, Active, true),
            (Pending, Inactive, true),
            (Active, Inactive, true),
            (Inactive, Active, true),
            (Active, Pending, false),
            (Inactive, Pending, true),
            (Active, Active, false),
            (Pending, Pending, false),
            (Inactive, Inactive, false),
        ];
        for (from, to, ok) in cases {
            assert_eq!(from.can_transition(to), ok, "{from} -> {to}");
        }
        assert_eq!(cases.len(), UserStatus::ALL.len() * UserStatus::ALL.len());
    }

    #[test]
    fn names_round_trip() {
        for s in UserStatus::ALL {
            assert_eq!(s.as_str().parse::<UserStatus>(), Ok(*s));
        }
        assert!("deleted".parse::<UserStatus>().is_err());
    }
}
