//! Domain events, typed. Each change a service records may emit one [`Event`]; the change
//! recorder writes it to the outbox in the change's transaction, and the event consumers
//! (notifications, webhooks, SLA timers, search, real-time updates) read it from there.
//!
//! An event has the specification's name (`user.created`, `issue.sla_breached`, …), the
//! entity it is about, and a payload: the fields of its data type plus `event_version`, the
//! version of that payload's shape. A payload only ever gains optional fields within a version;
//! anything else is a new version, and [`Event::parse`] refuses versions it does not know. The
//! catalogue, with every payload's fields, is `docs/events.md` (a test keeps it complete).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The payload member holding the version of the payload's shape.
pub const VERSION_FIELD: &str = "event_version";

/// A user as events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserData {
    /// The user's id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `active`, `inactive` or `pending`.
    pub status: String,
}

/// A user's roles after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRolesData {
    /// The user's id.
    pub user_id: Uuid,
    /// Role names held directly, after the change.
    pub roles: Vec<String>,
}

/// The subject of an account-security event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    /// The user's id.
    pub user_id: Uuid,
}

/// A login session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    /// The session's id.
    pub id: Uuid,
    /// Its user.
    pub user_id: Uuid,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleData {
    /// The role's id.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Permissions as `resource:action`, after the change (empty once deleted).
    pub permissions: Vec<String>,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupData {
    /// The group's id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `team`, `department` or `distribution`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Parent group.
    pub parent_id: Option<Uuid>,
    /// Manager.
    pub manager_id: Option<Uuid>,
}

/// A membership of a user in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMemberData {
    /// The group.
    pub group_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// `member` or `lead`.
    pub role: String,
}

/// The roles a group holds after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRolesData {
    /// The group.
    pub group_id: Uuid,
    /// Role names, after the change.
    pub roles: Vec<String>,
}

/// An application of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationData {
    /// The application's id.
    pub id: Uuid,
    /// Its number, e.g. `APP-00001`.
    pub app_id: String,
    /// Name.
    pub name: String,
    /// `P1` to `P4`.
    pub tier: String,
    /// `active`, `inactive` or `deprecated`.
    pub status: String,
}

/// An environment of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentData {
    /// The environment's id.
    pub id: Uuid,
    /// Its application.
    pub application_id: Uuid,
    /// Name, unique within the application.
    pub name: String,
    /// `dev`, `test`, `staging` or `prod`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// A business service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceData {
    /// The service's id.
    pub id: Uuid,
    /// Its number, e.g. `SRV-00001`.
    pub number: String,
    /// Name.
    pub name: String,
    /// `business`, `technical`, `application` or `infrastructure`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `design`, `active`, `deprecated` or `retired`.
    pub status: String,
    /// Parent service.
    pub parent_service_id: Option<Uuid>,
}

/// A typed link from one service to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRelationshipData {
    /// The link's id.
    pub id: Uuid,
    /// The service it starts from.
    pub source_service_id: Uuid,
    /// The service it points to.
    pub target_service_id: Uuid,
    /// `depends_on`, `provides_data_to`, … .
    pub relationship_type: String,
}

/// A user's role in a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceStakeholderData {
    /// The stakeholder entry's id.
    pub id: Uuid,
    /// The service.
    pub service_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// `owner`, `manager`, `stakeholder` or `contributor`.
    pub role: String,
}

/// An application realising a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationServiceData {
    /// The application.
    pub application_id: Uuid,
    /// The service it realises.
    pub service_id: Uuid,
}

/// A class of configuration items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiClassData {
    /// The class's id.
    pub id: Uuid,
    /// Its name, e.g. `server`.
    pub name: String,
    /// Its label.
    pub label: String,
}

/// A configuration item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiData {
    /// The CI's id.
    pub id: Uuid,
    /// Its number, e.g. `CI-00001`.
    pub number: String,
    /// Name.
    pub name: String,
    /// Its class's name.
    pub ci_class: String,
    /// `active`, `inactive`, `retired` or `maintenance`.
    pub status: String,
    /// `production`, `staging`, `development` or `test`.
    pub environment: String,
}

/// A relationship between two configuration items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiRelationshipData {
    /// The relationship's id.
    pub id: Uuid,
    /// The source CI.
    pub source_ci_id: Uuid,
    /// The target CI.
    pub target_ci_id: Uuid,
    /// `runs_on`, `depends_on`, …
    pub relationship_type: String,
}

/// An API key (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyData {
    /// The key's id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The key's visible prefix.
    pub prefix: String,
    /// Its creator.
    pub created_by: Option<Uuid>,
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantData {
    /// The tenant's id.
    pub id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
}

/// An email for the notification module to render and send. It carries no secret: links with
/// tokens are made at send time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailData {
    /// The recipient user.
    pub user_id: Uuid,
    /// The template to render, e.g. `password_reset`.
    pub template: String,
    /// The recipient's address.
    pub to: String,
    /// The recipient's name.
    pub name: String,
    /// The subject line.
    pub subject: String,
    /// The template's variables.
    pub data: Value,
}

/// Why an event could not be read back from the outbox.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// No event has this name.
    #[error("unknown event {0}")]
    Unknown(String),
    /// The payload has a version this build does not know.
    #[error("event {name} has payload version {found}, this build reads version {known}")]
    Version {
        /// The event's name.
        name: String,
        /// The version found.
        found: u64,
        /// The version this build reads.
        known: u32,
    },
    /// The payload does not match the event's data type.
    #[error("event {name} has a malformed payload: {reason}")]
    Payload {
        /// The event's name.
        name: String,
        /// What serde said.
        reason: String,
    },
}

macro_rules! events {
    ($(
        $(#[$doc:meta])*
        $variant:ident($data:ty) = $name:literal, version $version:literal, on $entity:literal by $id:ident;
    )*) => {
        /// Every domain event FireLater emits.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            $( $(#[$doc])* $variant($data), )*
        }

        impl Event {
            /// Every event's name, payload version and entity type, in declaration order.
            pub const CATALOGUE: &'static [(&'static str, u32, &'static str)] = &[$(($name, $version, $entity)),*];

            /// The specification's name, e.g. `user.created`.
            pub fn name(&self) -> &'static str {
                match self { $(Self::$variant(_) => $name,)* }
            }

            /// The version of this event's payload shape.
            pub fn version(&self) -> u32 {
                match self { $(Self::$variant(_) => $version,)* }
            }

            /// The type of entity the event is about, e.g. `user`.
            pub fn entity_type(&self) -> &'static str {
                match self { $(Self::$variant(_) => $entity,)* }
            }

            /// The id of the entity the event is about.
            pub fn entity_id(&self) -> Uuid {
                match self { $(Self::$variant(d) => d.$id,)* }
            }

            /// The payload as stored: the data's fields plus [`VERSION_FIELD`].
            pub fn payload(&self) -> Value {
                let data = match self {
                    $(Self::$variant(d) => serde_json::to_value(d),)*
                };
                let mut value = data.unwrap_or(Value::Null);
                if let Value::Object(map) = &mut value {
                    map.insert(VERSION_FIELD.to_owned(), Value::from(self.version()));
                }
                value
            }

            /// Reads an event back from its name and stored payload.
            pub fn parse(name: &str, payload: &Value) -> Result<Self, ParseError> {
                match name {
                    $($name => {
                        check_version(name, payload, $version)?;
                        serde_json::from_value::<$data>(payload.clone())
                            .map(Self::$variant)
                            .map_err(|e| ParseError::Payload { name: name.to_owned(), reason: e.to_string() })
                    })*
                    other => Err(ParseError::Unknown(other.to_owned())),
                }
            }
        }
    };
}

fn check_version(name: &str, payload: &Value, known: u32) -> Result<(), ParseError> {
    // A payload written before versions were recorded is version 1.
    let found = payload.get(VERSION_FIELD).and_then(Value::as_u64).unwrap_or(1);
    if found == u64::from(known) {
        Ok(())
    } else {
        Err(ParseError::Version {
            name: name.to_owned(),
            found,
            known,
        })
    }
}

events! {
    /// A tenant was created.
    TenantCreated(TenantData) = "tenant.created", version 1, on "tenant" by id;
    /// The platform operator suspended a tenant: its users can no longer sign in or call the API.
    TenantSuspended(TenantData) = "tenant.suspended", version 1, on "tenant" by id;
    /// The platform operator lifted a tenant's suspension.
    TenantResumed(TenantData) = "tenant.resumed", version 1, on "tenant" by id;
    /// The platform operator deleted a tenant and all its data.
    TenantDeleted(TenantData) = "tenant.deleted", version 1, on "tenant" by id;
    /// A tenant was imported from another instance's export.
    TenantImported(TenantData) = "tenant.imported", version 1, on "tenant" by id;
    /// A user was created.
    UserCreated(UserData) = "user.created", version 1, on "user" by id;
    /// A user's profile changed.
    UserUpdated(UserData) = "user.updated", version 1, on "user" by id;
    /// A user was deactivated.
    UserDeactivated(UserData) = "user.deactivated", version 1, on "user" by id;
    /// A deactivated user was reactivated: they can sign in again.
    UserReactivated(UserData) = "user.reactivated", version 1, on "user" by id;
    /// A pending user was invited: an email with a link to set their first password was sent.
    UserInvited(UserData) = "user.invited", version 1, on "user" by id;
    /// The roles a user holds directly changed.
    UserRolesChanged(UserRolesData) = "user.roles_changed", version 1, on "user" by user_id;
    /// A user's password was changed by them or set by an administrator.
    PasswordChanged(UserRef) = "auth.password_changed", version 1, on "user" by user_id;
    /// A user set a new password through a reset link.
    PasswordReset(UserRef) = "auth.password_reset", version 1, on "user" by user_id;
    /// A user was locked out after too many failed password attempts.
    UserLockedOut(UserRef) = "auth.lockout", version 1, on "user" by user_id;
    /// An administrator lifted a lockout.
    UserUnlocked(UserRef) = "auth.unlocked", version 1, on "user" by user_id;
    /// A user turned multi-factor authentication on.
    MfaEnabled(UserRef) = "auth.mfa_enabled", version 1, on "user" by user_id;
    /// A user turned multi-factor authentication off.
    MfaDisabled(UserRef) = "auth.mfa_disabled", version 1, on "user" by user_id;
    /// An administrator removed a user's multi-factor authentication.
    MfaReset(UserRef) = "auth.mfa_reset", version 1, on "user" by user_id;
    /// A user signed in.
    SessionStarted(SessionData) = "session.started", version 1, on "session" by id;
    /// A login session ended: revoked by its user, or signed out.
    SessionRevoked(SessionData) = "session.revoked", version 1, on "session" by id;
    /// An email is to be sent.
    EmailRequested(EmailData) = "email.requested", version 1, on "user" by user_id;
    /// A custom role was created.
    RoleCreated(RoleData) = "role.created", version 1, on "role" by id;
    /// A role's labels or permissions changed.
    RoleUpdated(RoleData) = "role.updated", version 1, on "role" by id;
    /// A custom role was deleted.
    RoleDeleted(RoleData) = "role.deleted", version 1, on "role" by id;
    /// A group was created.
    GroupCreated(GroupData) = "group.created", version 1, on "group" by id;
    /// A group's fields changed (also when it lost its parent because the parent was deleted).
    GroupUpdated(GroupData) = "group.updated", version 1, on "group" by id;
    /// A group was deleted.
    GroupDeleted(GroupData) = "group.deleted", version 1, on "group" by id;
    /// A user joined a group.
    GroupMemberAdded(GroupMemberData) = "group.member_added", version 1, on "group" by group_id;
    /// A user left a group.
    GroupMemberRemoved(GroupMemberData) = "group.member_removed", version 1, on "group" by group_id;
    /// A member's role in a group changed (`member` to `lead` or back).
    GroupMemberUpdated(GroupMemberData) = "group.member_updated", version 1, on "group" by group_id;
    /// The set of roles a group holds changed.
    GroupRolesChanged(GroupRolesData) = "group.roles_changed", version 1, on "group" by group_id;
    /// An application was registered.
    ApplicationCreated(ApplicationData) = "application.created", version 1, on "application" by id;
    /// An application's fields changed.
    ApplicationUpdated(ApplicationData) = "application.updated", version 1, on "application" by id;
    /// An application was deleted (soft: its history stays).
    ApplicationDeleted(ApplicationData) = "application.deleted", version 1, on "application" by id;
    /// An environment was added to an application.
    EnvironmentCreated(EnvironmentData) = "environment.created", version 1, on "environment" by id;
    /// An environment's fields changed.
    EnvironmentUpdated(EnvironmentData) = "environment.updated", version 1, on "environment" by id;
    /// An environment was removed from its application.
    EnvironmentDeleted(EnvironmentData) = "environment.deleted", version 1, on "environment" by id;
    /// A business service was created.
    ServiceCreated(ServiceData) = "service.created", version 1, on "service" by id;
    /// A service's fields changed.
    ServiceUpdated(ServiceData) = "service.updated", version 1, on "service" by id;
    /// A service was deleted (soft: its history stays).
    ServiceDeleted(ServiceData) = "service.deleted", version 1, on "service" by id;
    /// A link between two services was made.
    ServiceRelationshipCreated(ServiceRelationshipData) = "service_relationship.created", version 1, on "service_relationship" by id;
    /// A link between two services was removed.
    ServiceRelationshipDeleted(ServiceRelationshipData) = "service_relationship.deleted", version 1, on "service_relationship" by id;
    /// A user was given a role in a service.
    ServiceStakeholderAdded(ServiceStakeholderData) = "service_stakeholder.added", version 1, on "service_stakeholder" by id;
    /// A user's role in a service was taken away.
    ServiceStakeholderRemoved(ServiceStakeholderData) = "service_stakeholder.removed", version 1, on "service_stakeholder" by id;
    /// An application was attached to a service it realises.
    ApplicationServiceLinked(ApplicationServiceData) = "application.service_linked", version 1, on "application" by application_id;
    /// An application was detached from a service.
    ApplicationServiceUnlinked(ApplicationServiceData) = "application.service_unlinked", version 1, on "application" by application_id;
    /// A CI class was added.
    CiClassCreated(CiClassData) = "ci_class.created", version 1, on "ci_class" by id;
    /// A CI class's fields changed.
    CiClassUpdated(CiClassData) = "ci_class.updated", version 1, on "ci_class" by id;
    /// A CI class was deleted.
    CiClassDeleted(CiClassData) = "ci_class.deleted", version 1, on "ci_class" by id;
    /// A configuration item was added.
    CiCreated(CiData) = "ci.created", version 1, on "ci" by id;
    /// A configuration item's fields changed.
    CiUpdated(CiData) = "ci.updated", version 1, on "ci" by id;
    /// A configuration item was deleted (soft: its history and relationship rows stay).
    CiDeleted(CiData) = "ci.deleted", version 1, on "ci" by id;
    /// Two configuration items were related.
    CiRelationshipCreated(CiRelationshipData) = "ci_relationship.created", version 1, on "ci_relationship" by id;
    /// A relationship between configuration items was removed.
    CiRelationshipDeleted(CiRelationshipData) = "ci_relationship.deleted", version 1, on "ci_relationship" by id;
    /// An API key was created.
    ApiKeyCreated(ApiKeyData) = "api_key.created", version 1, on "api_key" by id;
    /// An API key was revoked.
    ApiKeyRevoked(ApiKeyData) = "api_key.revoked", version 1, on "api_key" by id;
}

/// Names of events and of audit-only actions, for code that matches on them.
pub mod names {
    /// A tenant was created.
    pub const TENANT_CREATED: &str = "tenant.created";
    /// A user was created.
    pub const USER_CREATED: &str = "user.created";
    /// A user's profile changed.
    pub const USER_UPDATED: &str = "user.updated";
    /// A user was deactivated.
    pub const USER_DEACTIVATED: &str = "user.deactivated";
    /// An email is to be sent.
    pub const EMAIL_REQUESTED: &str = "email.requested";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn user() -> UserData {
        UserData {
            id: Uuid::nil(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            status: "active".into(),
        }
    }

    #[test]
    fn names_are_unique_and_dotted() {
        let mut seen = HashSet::new();
        for (name, version, entity) in Event::CATALOGUE {
            assert!(seen.insert(*name), "{name} is declared twice");
            assert!(
                name.split_once('.')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
            );
            assert!(*version >= 1);
            assert!(!entity.is_empty());
        }
    }

    #[test]
    fn a_payload_carries_its_version_and_reads_back() {
        let e = Event::UserCreated(user());
        let p = e.payload();
        assert_eq!(p[VERSION_FIELD], 1);
        assert_eq!(p["email"], "ada@example.com");
        assert_eq!(Event::parse("user.created", &p), Ok(e));
    }

    #[test]
    fn an_unknown_version_or_name_or_shape_is_refused() {
        let mut p = Event::UserCreated(user()).payload();
        p[VERSION_FIELD] = json!(2);
        assert!(matches!(
            Event::parse("user.created", &p),
            Err(ParseError::Version { found: 2, .. })
        ));
        assert!(matches!(Event::parse("user.exploded", &p), Err(ParseError::Unknown(_))));
        assert!(matches!(
            Event::parse("user.created", &json!({"id": "nope"})),
            Err(ParseError::Payload { .. })
        ));
    }

    #[test]
    fn the_entity_is_the_one_the_data_names() {
        let g = Uuid::now_v7();
        let e = Event::GroupMemberAdded(GroupMemberData {
            group_id: g,
            user_id: Uuid::nil(),
            role: "member".into(),
        });
        assert_eq!((e.entity_type(), e.entity_id()), ("group", g));
        assert_eq!(e.name(), "group.member_added");
    }

    #[test]
    fn docs_events_md_lists_every_event_with_its_version() {
        let doc = include_str!("../../../docs/events.md");
        for (name, version, _) in Event::CATALOGUE {
            let heading = format!("### `{name}` (v{version})");
            assert!(doc.contains(&heading), "docs/events.md lacks the heading {heading}");
        }
    }
}
