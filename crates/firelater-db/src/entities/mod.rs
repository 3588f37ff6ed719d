//! SeaORM entities, one per table. Only `firelater-db` sees them; services get them through
//! repositories and map them to their own types before they reach the API.

pub mod api_key;
pub mod application;
pub mod application_service;
pub mod audit_log;
pub mod ci_class;
pub mod ci_relationship;
pub mod configuration_item;
pub mod environment;
pub mod group;
pub mod group_member;
pub mod group_role;
pub mod idempotency_key;
pub mod job;
pub mod notification_preference;
pub mod outbox_event;
pub mod password_reset;
pub mod refresh_token;
pub mod role;
pub mod role_permission;
pub mod service;
pub mod service_relationship;
pub mod service_stakeholder;
pub mod session;
pub mod system_secret;
pub mod tenant;
pub mod user;
pub mod user_mfa;
pub mod user_role;
