//! Use cases, one module per area. Each public function authorizes (`ctx.require`), validates
//! through `firelater-core`, and writes the change, its audit row and its outbox event in one
//! transaction through `firelater-db`'s repositories.

pub mod account;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod cmdb;
pub mod ctx;
pub mod groups;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod mfa;
pub mod password;
pub mod platform;
pub mod preferences;
pub mod roles;
pub mod services;
pub mod sessions;
pub mod tenants;
pub mod users;

mod grants;
mod record;

pub use ctx::{Actor, Ctx, RequestMeta};
pub use firelater_db::{Backend, Db, DbOptions};

use firelater_core::Clock;
use std::sync::Arc;

/// Settings of the authentication use cases.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Lifetime of an access token.
    pub access_ttl: chrono::Duration,
    /// Lifetime of a refresh token (and the most a session lives without use).
    pub refresh_ttl: chrono::Duration,
    /// The key that signs access tokens.
    pub signing_key: Vec<u8>,
    /// Consecutive failed logins that lock an account; 0 turns lockout off.
    pub lockout_threshold: i32,
    /// How long a lockout lasts.
    pub lockout_duration: chrono::Duration,
    /// How long a password-reset token stays valid.
    pub reset_ttl: chrono::Duration,
    /// The web address reset links point to (`{public_url}/reset-password?token=…`).
    pub public_url: String,
}

/// Everything a use case needs from the outside world, shared by the API and the workers.
#[derive(Clone)]
pub struct Services {
    /// The database.
    pub db: Db,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Token settings.
    pub auth: Arc<auth::Keys>,
    /// SHA-256 of the platform admin token; `None` turns the platform API off.
    platform_token: Option<[u8; 32]>,
    /// Every password hash and verification, bounded in concurrency (ADR 0012).
    pub hasher: Arc<password::Hasher>,
}

impl Services {
    /// Wires the services.
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: AuthSettings) -> Self {
        Self {
            db,
            clock,
            auth: Arc::new(auth::Keys::new(settings)),
            platform_token: None,
            hasher: Arc::new(password::Hasher::default()),
        }
    }

    /// Bounds password hashing to `limits` instead of the defaults (one slot per core).
    pub fn with_hash_limits(mut self, limits: password::HashLimits) -> Self {
        self.hasher = Arc::new(password::Hasher::new(limits));
        self
    }

    /// The current instant.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// The records use cases hand to the API layer, which maps them to its response types.
pub mod model {
    pub use firelater_core::api_keys::ApiKey;
    pub use firelater_core::groups::{Group, GroupType, MemberRole, Membership};
    pub use firelater_core::roles::Role;
    pub use firelater_core::tenants::{Tenant, TenantStatus};
    pub use firelater_core::users::{User, UserStatus};
    pub use firelater_db::entities::audit_log::Model as AuditEntry;
}
