//! Groups, their members and roles, and a user's groups.

use super::users::user;
use super::{ADMIN_ONLY_200, ADMIN_ONLY_204, Entry, Fut, Params, READ, World, e, unique};
use serde_json::json;

/// A group of tenant A.
fn group<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let g = w.post("/api/v1/groups", json!({"name": unique("group-")})).await;
        vec![("{id}", g["id"].as_str().expect("id").to_owned())]
    })
}

/// A group of tenant A and one of its members.
fn group_member<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let mut p = group(w, role, token).await;
        let gid = p[0].1.clone();
        let u = w
            .app
            .create_user(&format!("{}@example.com", unique("member")), None, &[])
            .await;
        let uid = u["id"].as_str().expect("id").to_owned();
        w.post(
            &format!("/api/v1/groups/{gid}/members"),
            json!({"user_id": uid, "role": "member"}),
        )
        .await;
        p.push(("{userId}", uid));
        p
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/groups", READ),
        e("POST", "/api/v1/groups", [201, 201, 403, 403])
            .body(|_, _, _| Box::pin(async { json!({"name": unique("made-group-")}) })),
        e("GET", "/api/v1/groups/{id}", READ).on(group),
        e("PUT", "/api/v1/groups/{id}", [200, 200, 403, 403])
            .on(group)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "description": "changed"}) })),
        e("DELETE", "/api/v1/groups/{id}", ADMIN_ONLY_204).on(group),
        e("GET", "/api/v1/groups/{id}/members", READ).on(group),
        e("POST", "/api/v1/groups/{id}/members", [201, 201, 403, 403])
            .on(group)
            .body(|w, _, _| {
                Box::pin(async move {
                    let u = w
                        .app
                        .create_user(&format!("{}@example.com", unique("joiner")), None, &[])
                        .await;
                    json!({"user_id": u["id"], "role": "member"})
                })
            }),
        e("PUT", "/api/v1/groups/{id}/members/{userId}", [200, 200, 403, 403])
            .on(group_member)
            .body(|_, _, _| Box::pin(async { json!({"role": "lead"}) })),
        e("DELETE", "/api/v1/groups/{id}/members/{userId}", [204, 204, 403, 403]).on(group_member),
        e("PUT", "/api/v1/groups/{id}/roles", ADMIN_ONLY_200)
            .on(group)
            .body(|_, _, _| Box::pin(async { json!({"roles": ["agent"]}) })),
        e("GET", "/api/v1/users/{id}/groups", READ).on(user),
    ]
}
