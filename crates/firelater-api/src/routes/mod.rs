//! HTTP handlers, one module per area; each handler extracts, calls one service function and
//! maps the result to a response type.

pub mod account;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod docs;
pub mod groups;
pub mod health;
pub mod mfa;
pub mod platform;
pub mod roles;
pub mod sessions;
pub mod users;
