//! The caller of a use case: tenant, actor, permissions and where the request came from.

use firelater_core::ids::{ApiKeyId, SessionId, TenantId, UserId};
use firelater_core::{Error, Permission};
use std::collections::BTreeSet;

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user.
    User(UserId),
    /// A service account calling with an API key.
    ApiKey(ApiKeyId),
    /// FireLater itself (jobs, start-up).
    System,
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// Client IP address.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// The authenticated context of one call.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The tenant every read and write is scoped to.
    pub tenant: TenantId,
    /// Who acts.
    pub actor: Actor,
    /// The login session, for users.
    pub session: Option<SessionId>,
    /// Effective permissions.
    pub permissions: BTreeSet<Permission>,
    /// Request metadata.
    pub meta: RequestMeta,
}

impl Ctx {
    /// The system acting in `tenant` with every permission.
    pub fn system(tenant: TenantId) -> Self {
        Self {
            tenant,
            actor: Actor::System,
            session: None,
            permissions: Permission::ALL.iter().copied().collect(),
            meta: RequestMeta::default(),
        }
    }

    /// `Ok` when the caller holds `p`, 403 otherwise.
    pub fn require(&self, p: Permission) -> Result<(), Error> {
        if self.permissions.contains(&p) {
            Ok(())
        } else {
            Err(Error::forbidden(format!("requires the {p} permission")))
        }
    }

    /// Whether the caller holds `p`.
    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    /// The acting user, if a user acts.
    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User(u) => Some(u),
            Actor::ApiKey(_) | Actor::System => None,
        }
    }

    /// The acting user, or 403 for API keys and the system: for use cases that act on the
    /// caller's own account (sessions, MFA).
    pub fn require_user(&self) -> Result<UserId, Error> {
        self.user_id()
            .ok_or_else(|| Error::forbidden("only a signed-in user can do this, not an API key"))
    }

    /// The id of the acting user or API key, to scope per-caller state such as idempotency keys.
    pub fn actor_id(&self) -> Option<uuid::Uuid> {
        match self.actor {
            Actor::User(u) => Some(u.0),
            Actor::ApiKey(k) => Some(k.0),
            Actor::System => None,
        }
    }
}
