//! FireLater's pure domain: identifiers, errors, permissions, list conventions, numbering,
//! validation and the clock. Nothing in this crate performs IO, so every rule here can be unit
//! tested without a database or a network.

pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod clock;
pub mod cmdb;
pub mod csv_io;
pub mod enums;
pub mod error;
pub mod events;
pub mod failpoint;
pub mod grant;
pub mod groups;
pub mod ids;
pub mod list;
pub mod numbering;
pub mod permission;
pub mod roles;
pub mod services;
pub mod tenants;
pub mod useragent;
pub mod users;
pub mod validate;

pub use clock::{Clock, SystemClock};
pub use error::{Error, ErrorCode, ErrorKind, FieldErrors, Result};
pub use permission::{Permission, SystemRole};
