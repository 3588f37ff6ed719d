//! The audit log.

use super::users::user;
use super::{Entry, Fut, Params, World, e};

/// A user's audit history.
fn user_history<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let mut p = user(w, role, token).await;
        p.push(("{entityType}", "user".to_owned()));
        p
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/audit-logs", [200, 200, 403, 403]),
        e("GET", "/api/v1/audit-logs/{entityType}/{id}", [200, 200, 403, 403]).on(user_history),
    ]
}
