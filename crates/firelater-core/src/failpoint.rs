//! Fail points for crash tests: [`hit`] aborts the process on the spot when the environment
//! variable `FIRELATER_FAILPOINT` names the point, so a test can kill the real binary between
//! two steps of a protocol (the outbox hand-off, a consumer's commit) and check what survives.
//! The variable is read once; without it a fail point costs one atomic load.

use std::sync::OnceLock;

/// The fail point named by `FIRELATER_FAILPOINT`, if any.
fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED
        .get_or_init(|| std::env::var("FIRELATER_FAILPOINT").ok().filter(|s| !s.is_empty()))
        .as_deref()
}

/// Aborts the process (no unwinding, no destructors, no commit) when `FIRELATER_FAILPOINT`
/// equals `name`; does nothing otherwise.
pub fn hit(name: &str) {
    if armed() == Some(name) {
        eprintln!("firelater: fail point {name} reached; aborting");
        std::process::abort();
    }
}
