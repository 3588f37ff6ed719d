//! Users, their passwords, MFA, notification settings and roles.

use super::{ADMIN_ONLY_200, ADMIN_ONLY_201, ADMIN_ONLY_204, Entry, Fut, PASSWORD, Params, READ, World, e, unique};
use reqwest::Method;
use serde_json::json;

/// Another user of tenant A.
pub fn user<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let u = w
            .app
            .create_user(
                &format!("{}@example.com", unique("target")),
                Some(PASSWORD),
                &["requester"],
            )
            .await;
        vec![("{id}", u["id"].as_str().expect("id").to_owned())]
    })
}

/// A deactivated user of tenant A.
fn inactive_user<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let params = user(w, role, token).await;
        let res = w
            .app
            .admin(Method::DELETE, &format!("/api/v1/users/{}", params[0].1))
            .send()
            .await
            .expect("deactivate");
        assert_eq!(res.status(), 200, "fixture: deactivate");
        params
    })
}

/// A pending user of tenant A (never had a password).
fn pending_user<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let u = w
            .app
            .create_user(&format!("{}@example.com", unique("pending")), None, &["requester"])
            .await;
        vec![("{id}", u["id"].as_str().expect("id").to_owned())]
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/users", READ),
        e("POST", "/api/v1/users", ADMIN_ONLY_201).body(|_, _, _| {
            Box::pin(async { json!({"email": format!("{}@example.com", unique("new")), "name": "New"}) })
        }),
        e("GET", "/api/v1/users/{id}", READ).on(user),
        e("PUT", "/api/v1/users/{id}", ADMIN_ONLY_200)
            .on(user)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "name": "Renamed"}) })),
        e("DELETE", "/api/v1/users/{id}", ADMIN_ONLY_200).on(user),
        e("POST", "/api/v1/users/{id}/reactivate", ADMIN_ONLY_200).on(inactive_user),
        e("POST", "/api/v1/users/{id}/invite", ADMIN_ONLY_200).on(pending_user),
        e("PUT", "/api/v1/users/{id}/password", ADMIN_ONLY_204)
            .on(user)
            .body(|_, _, _| Box::pin(async { json!({"new_password": "a brand new password"}) })),
        e("POST", "/api/v1/users/{id}/unlock", ADMIN_ONLY_204).on(user),
        e("DELETE", "/api/v1/users/{id}/mfa", ADMIN_ONLY_204).on(user),
        e("GET", "/api/v1/users/{id}/notifications", READ).on(user),
        e("PUT", "/api/v1/users/{id}/notifications", ADMIN_ONLY_200)
            .on(user)
            .body(|_, _, _| Box::pin(async { json!({"preferences": []}) })),
    ]
}
