//! Domain event names, as the specification spells them. Events are written to the outbox in
//! the same transaction as the change that caused them; webhooks, notifications and real-time
//! updates read them from there.

/// Names of the events FireLater emits.
pub mod names {
    /// A tenant was created.
    pub const TENANT_CREATED: &str = "tenant.created";
    /// A user was created.
    pub const USER_CREATED: &str = "user.created";
    /// A user's profile changed.
    pub const USER_UPDATED: &str = "user.updated";
    /// A user was deactivated.
    pub const USER_DEACTIVATED: &str = "user.deactivated";
    /// An issue was created.
    pub const ISSUE_CREATED: &str = "issue.created";
    /// An issue changed.
    pub const ISSUE_UPDATED: &str = "issue.updated";
}
