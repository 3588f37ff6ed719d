//! API keys of service accounts: a subset of their creator's permissions, an optional expiry,
//! their last use and their revocation. The secret is never kept, only its hash.

use crate::ids::{ApiKeyId, UserId};
use chrono::{DateTime, Utc};

/// An API key as the service sees it (never its secret or hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// A name for humans.
    pub name: String,
    /// The first characters of the key's secret part, to recognise it.
    pub prefix: String,
    /// Granted permission keys.
    pub permissions: Vec<String>,
    /// The user who created it.
    pub created_by: UserId,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// Last use, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}
