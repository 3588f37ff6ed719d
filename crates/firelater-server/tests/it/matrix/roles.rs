//! Roles, permissions and who holds which role.

use super::users::user;
use super::{ADMIN_ONLY_200, ADMIN_ONLY_201, ADMIN_ONLY_204, Entry, Fut, Params, READ, World, e, unique};
use serde_json::json;

/// A custom role of tenant A.
fn role<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let r = w
            .post(
                "/api/v1/roles",
                json!({"name": unique("role-"), "display_name": "Target", "permissions": ["users:read"]}),
            )
            .await;
        vec![("{id}", r["id"].as_str().expect("id").to_owned())]
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/roles", READ),
        e("POST", "/api/v1/roles", ADMIN_ONLY_201)
            .body(|_, _, _| Box::pin(async { json!({"name": unique("made-"), "display_name": "Made"}) })),
        e("GET", "/api/v1/roles/{id}", READ).on(role),
        e("PUT", "/api/v1/roles/{id}", ADMIN_ONLY_200)
            .on(role)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "display_name": "Renamed"}) })),
        e("DELETE", "/api/v1/roles/{id}", ADMIN_ONLY_204).on(role),
        e("GET", "/api/v1/permissions", READ),
        e("PUT", "/api/v1/users/{id}/roles", ADMIN_ONLY_200)
            .on(user)
            .body(|_, _, _| Box::pin(async { json!({"roles": ["agent"]}) })),
    ]
}
