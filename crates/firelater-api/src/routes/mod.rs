//! HTTP handlers, one module per area; each handler extracts, calls one service function and
//! maps the result to a response type.

pub mod auth;
pub mod docs;
pub mod health;
pub mod users;
