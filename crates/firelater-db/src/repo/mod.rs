//! Repositories: one module per aggregate, free functions over a connection. Functions on
//! tenant-owned tables take a [`crate::TenantTx`] and filter by its tenant, so a caller cannot
//! forget the tenant; row-level security on PostgreSQL catches what a bug would let through.

pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod cmdb;
pub mod deliveries;
pub mod groups;
pub mod idempotency;
pub mod jobs;
pub mod list;
pub mod mfa;
pub mod notification_preferences;
pub mod numbers;
pub mod outbox;
pub mod password_resets;
pub mod roles;
pub mod secrets;
pub mod services;
pub mod sessions;
pub mod status_history;
pub mod tenant_data;
pub mod tenants;
pub mod users;
