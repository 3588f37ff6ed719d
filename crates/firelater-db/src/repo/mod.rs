//! Repositories: one module per aggregate, free functions over a connection. Functions on
//! tenant-owned tables take a [`crate::TenantTx`] and filter by its tenant, so a caller cannot
//! forget the tenant; row-level security on PostgreSQL catches what a bug would let through.

pub mod audit;
pub mod idempotency;
pub mod jobs;
pub mod list;
pub mod numbers;
pub mod outbox;
pub mod roles;
pub mod secrets;
pub mod sessions;
pub mod tenants;
pub mod users;
