//! HTTP handlers, one module per area; each handler extracts, calls one service function and
//! maps the result to a response type.
//!
//! A module declares here only its routes: `router()` (and `login_budget()` for routes that
//! check a password) lists its handlers, and each handler's `#[utoipa::path]` is its OpenAPI
//! operation and, as the operation's `security`, its access rule (see [`crate::access`]); a
//! list's query is declared once with [`crate::list_query!`] from its `ListSpec`. The module is
//! one line in [`crate::MODULES`]. Its other parts are registered elsewhere, each in its own
//! registry: permissions in `firelater_core::Permission`, job kinds and event consumers in
//! `firelater_jobs::builtin_registry`, tenant tables in `firelater_db::repo::tenant_data::TABLES`
//! and `firelater_migration::TENANT_TABLES`, and its tests in `tests/it/<module>.rs` with its
//! matrix rows in `tests/it/matrix/<module>.rs`.

pub mod account;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod cmdb;
pub mod docs;
pub mod groups;
pub mod health;
pub mod imports;
pub mod mfa;
pub mod platform;
pub mod roles;
pub mod services;
pub mod sessions;
pub mod users;
