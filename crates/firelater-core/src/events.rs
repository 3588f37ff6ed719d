//! Domain event names, as the specification spells them. Events are written to the outbox in
//! the same transaction as the change that caused them; webhooks, notifications and real-time
//! updates read them from there.

/// Names of the events FireLater emits.
pub mod names {
    /// A tenant was created.
    pub const TENANT_CREATED: &str = "tenant.created";
    /// The platform operator suspended a tenant: its users can no longer sign in or call the API.
    pub const TENANT_SUSPENDED: &str = "tenant.suspended";
    /// The platform operator lifted a tenant's suspension.
    pub const TENANT_RESUMED: &str = "tenant.resumed";
    /// The platform operator deleted a tenant and all its data.
    pub const TENANT_DELETED: &str = "tenant.deleted";
    /// A tenant was imported from another instance's export.
    pub const TENANT_IMPORTED: &str = "tenant.imported";
    /// A user was created.
    pub const USER_CREATED: &str = "user.created";
    /// A user's profile changed.
    pub const USER_UPDATED: &str = "user.updated";
    /// A user was deactivated.
    pub const USER_DEACTIVATED: &str = "user.deactivated";
    /// An API key was created.
    pub const API_KEY_CREATED: &str = "api_key.created";
    /// An API key was revoked.
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
    /// A login session was revoked by its user.
    pub const SESSION_REVOKED: &str = "session.revoked";
    /// A user turned multi-factor authentication on.
    pub const MFA_ENABLED: &str = "auth.mfa_enabled";
    /// A user turned multi-factor authentication off.
    pub const MFA_DISABLED: &str = "auth.mfa_disabled";
    /// An administrator removed a user's multi-factor authentication.
    pub const MFA_RESET: &str = "auth.mfa_reset";
    /// A group was created.
    pub const GROUP_CREATED: &str = "group.created";
    /// A group's fields changed (also when it lost its parent because the parent was deleted).
    pub const GROUP_UPDATED: &str = "group.updated";
    /// A group was deleted.
    pub const GROUP_DELETED: &str = "group.deleted";
    /// A user joined a group.
    pub const GROUP_MEMBER_ADDED: &str = "group.member_added";
    /// A user left a group.
    pub const GROUP_MEMBER_REMOVED: &str = "group.member_removed";
    /// The set of roles a group holds changed (an audit action; no outbox event).
    pub const GROUP_ROLES_CHANGED: &str = "group.roles_changed";
    /// An issue was created.
    pub const ISSUE_CREATED: &str = "issue.created";
    /// An issue changed.
    pub const ISSUE_UPDATED: &str = "issue.updated";
}
