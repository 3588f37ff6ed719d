//! End-to-end tests of the `firelater` server over real HTTP on a random port, against a
//! fresh SQLite database per test, or PostgreSQL with `FIRELATER_TEST_DATABASE_URL`.
//! One binary for the whole crate; modules mirror the areas.

mod auth;
mod conventions;
mod crash;
mod jobs;
mod numbering;
mod operations;
mod startup;
mod tenancy;
