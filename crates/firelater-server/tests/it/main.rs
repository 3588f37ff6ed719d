//! End-to-end tests of the `firelater` server over real HTTP on a random port, against a
//! fresh SQLite database per test, or PostgreSQL with `FIRELATER_TEST_DATABASE_URL`.
//! One binary for the whole crate; modules mirror the areas.

mod account;
mod api_keys;
mod applications;
mod audit;
mod auth;
mod auth_cookie;
mod cmdb;
mod connections;
mod contract;
mod conventions;
mod crash;
mod db_roles;
mod events;
mod grants;
mod groups;
mod hashing;
mod hygiene;
mod imports;
mod jobs;
mod matrix;
mod mfa;
mod numbering;
mod operations;
mod platform;
mod recorder;
mod roles;
mod security_headers;
mod services;
mod sessions;
mod startup;
mod tenancy;
mod users;
mod web;
