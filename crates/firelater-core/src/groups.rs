//! Groups and team hierarchies: teams, departments and distribution lists forming a forest,
//! each with members who are `member` or `lead`.

use crate::ids::{GroupId, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;

crate::string_enum! {
    /// What kind of group it is.
    pub enum GroupType {
        /// A team that works issues together.
        Team = "team",
        /// An organisational unit.
        Department = "department",
        /// A mailing list for notifications.
        Distribution = "distribution",
    }
}

crate::string_enum! {
    /// A member's role in a group.
    pub enum MemberRole {
        /// An ordinary member.
        Member = "member",
        /// The team lead.
        Lead = "lead",
    }
}

/// A group as the service sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Id.
    pub id: GroupId,
    /// Name, unique in the tenant.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Kind.
    pub kind: GroupType,
    /// Parent group.
    pub parent_id: Option<GroupId>,
    /// Manager.
    pub manager_id: Option<UserId>,
    /// Email.
    pub email: Option<String>,
    /// Free-form settings.
    pub settings: Value,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A user's membership of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The group.
    pub group_id: GroupId,
    /// The user.
    pub user_id: UserId,
    /// Their role in it.
    pub role: MemberRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}
