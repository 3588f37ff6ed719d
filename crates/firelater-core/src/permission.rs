//! Permissions are `resource:action` pairs. Roles grant sets of them; a user's effective
//! permissions are the union over their own roles and the roles of the groups they are a
//! direct member of (`firelater_db::repo::roles::permission_keys_of`). Services check one
//! permission as their first line (`ctx.require(Permission::UsersCreate)?`), so no path skips
//! authorization.

use std::fmt;
use std::str::FromStr;

macro_rules! permissions {
    ($($variant:ident => ($resource:literal, $action:literal, $desc:literal)),* $(,)?) => {
        /// One thing a role may allow.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission { $($variant),* }

        impl Permission {
            /// Every permission.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),*];

            /// The resource part, e.g. `users`.
            pub fn resource(self) -> &'static str {
                match self { $(Permission::$variant => $resource),* }
            }

            /// The action part, e.g. `create`.
            pub fn action(self) -> &'static str {
                match self { $(Permission::$variant => $action),* }
            }

            /// A human description.
            pub fn description(self) -> &'static str {
                match self { $(Permission::$variant => $desc),* }
            }

            /// The `resource:action` key stored in `role_permissions`.
            pub fn key(self) -> &'static str {
                match self { $(Permission::$variant => concat!($resource, ":", $action)),* }
            }
        }
    };
}

permissions! {
    UsersRead => ("users", "read", "See users"),
    UsersCreate => ("users", "create", "Create users"),
    UsersUpdate => ("users", "update", "Change users"),
    UsersDelete => ("users", "delete", "Deactivate users"),
    UsersAdmin => ("users", "admin", "Unlock users, reset their MFA, end their sessions"),
    GroupsRead => ("groups", "read", "See groups and their members"),
    GroupsCreate => ("groups", "create", "Create groups"),
    GroupsUpdate => ("groups", "update", "Change groups and their members"),
    GroupsDelete => ("groups", "delete", "Delete groups"),
    RolesRead => ("roles", "read", "See roles and permissions"),
    RolesAdmin => ("roles", "admin", "Create and change roles, grant them"),
    ApiKeysRead => ("api_keys", "read", "See API keys"),
    ApiKeysCreate => ("api_keys", "create", "Create API keys"),
    ApiKeysRevoke => ("api_keys", "revoke", "Revoke API keys"),
    AuditLogsRead => ("audit_logs", "read", "Read the audit log"),
    ApplicationsRead => ("applications", "read", "See applications and their environments"),
    ApplicationsCreate => ("applications", "create", "Register applications"),
    ApplicationsUpdate => ("applications", "update", "Change applications and their environments"),
    ApplicationsDelete => ("applications", "delete", "Delete applications"),
    ServicesRead => ("services", "read", "See business services, their relationships and stakeholders"),
    ServicesCreate => ("services", "create", "Create business services"),
    ServicesUpdate => ("services", "update", "Change business services, their relationships and stakeholders"),
    ServicesDelete => ("services", "delete", "Delete business services"),
    CmdbRead => ("cmdb", "read", "See the CMDB: classes, configuration items, relationships, impact"),
    CmdbCreate => ("cmdb", "create", "Add CMDB classes, configuration items and relationships"),
    CmdbUpdate => ("cmdb", "update", "Change CMDB classes and configuration items"),
    CmdbDelete => ("cmdb", "delete", "Delete CMDB classes, configuration items and relationships"),
    SettingsAdmin => ("settings", "admin", "Change tenant settings"),
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Permission {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Permission::ALL.iter().copied().find(|p| p.key() == s).ok_or(())
    }
}

/// The four roles every tenant starts with; they cannot be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemRole {
    /// Full access to the tenant.
    Admin,
    /// Manages teams and approves.
    Manager,
    /// Works issues and requests.
    Agent,
    /// Submits and follows their own requests.
    Requester,
}

impl SystemRole {
    /// Every system role.
    pub const ALL: [SystemRole; 4] = [Self::Admin, Self::Manager, Self::Agent, Self::Requester];

    /// The role's name, unique per tenant.
    pub fn name(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::Agent => "agent",
            Self::Requester => "requester",
        }
    }

    /// The role's display name.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Admin => "Administrator",
            Self::Manager => "Manager",
            Self::Agent => "Agent",
            Self::Requester => "Requester",
        }
    }

    /// The role's description.
    pub fn description(self) -> &'static str {
        match self {
            Self::Admin => "Full system access",
            Self::Manager => "Manage team and approve changes",
            Self::Agent => "Handle issues and requests",
            Self::Requester => "Submit and view own requests",
        }
    }

    /// The permissions the role is created with.
    pub fn permissions(self) -> Vec<Permission> {
        use Permission::*;
        match self {
            Self::Admin => Permission::ALL.to_vec(),
            Self::Manager => vec![
                UsersRead,
                GroupsRead,
                GroupsCreate,
                GroupsUpdate,
                RolesRead,
                AuditLogsRead,
                ApplicationsRead,
                ApplicationsCreate,
                ApplicationsUpdate,
                ServicesRead,
                ServicesCreate,
                ServicesUpdate,
                CmdbRead,
                CmdbCreate,
                CmdbUpdate,
            ],
            Self::Agent => vec![
                UsersRead,
                GroupsRead,
                RolesRead,
                ApplicationsRead,
                ServicesRead,
                CmdbRead,
            ],
            Self::Requester => vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_keys_round_trip() {
        for p in Permission::ALL {
            assert_eq!(p.key().parse::<Permission>(), Ok(*p));
            assert_eq!(p.key(), format!("{}:{}", p.resource(), p.action()));
        }
    }

    #[test]
    fn admin_holds_every_permission_and_requester_none_of_the_admin_ones() {
        assert_eq!(SystemRole::Admin.permissions().len(), Permission::ALL.len());
        assert!(!SystemRole::Requester.permissions().contains(&Permission::UsersCreate));
    }
}
