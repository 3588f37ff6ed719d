//! Applications and their environments.

use super::{ADMIN_ONLY_204, Entry, Fut, Params, READ, World, e, unique};
use serde_json::json;

const WRITE_201: [u16; 4] = [201, 201, 403, 403];
const WRITE_200: [u16; 4] = [200, 200, 403, 403];
const WRITE_204: [u16; 4] = [204, 204, 403, 403];

/// An application of tenant A.
fn application<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let a = w
            .post("/api/v1/applications", json!({"name": unique("app-"), "tier": "P3"}))
            .await;
        vec![("{id}", a["id"].as_str().expect("id").to_owned())]
    })
}

/// An application of tenant A and one of its environments.
fn environment<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let mut p = application(w, role, token).await;
        let env = w
            .post(
                &format!("/api/v1/applications/{}/environments", p[0].1),
                json!({"name": unique("env-"), "type": "test"}),
            )
            .await;
        p.push(("{envId}", env["id"].as_str().expect("id").to_owned()));
        p
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/applications", READ),
        e("POST", "/api/v1/applications", WRITE_201)
            .body(|_, _, _| Box::pin(async { json!({"name": unique("made-app-"), "tier": "P1"}) })),
        e("GET", "/api/v1/applications/{id}", READ).on(application),
        e("PUT", "/api/v1/applications/{id}", WRITE_200)
            .on(application)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "description": "changed"}) })),
        e("DELETE", "/api/v1/applications/{id}", ADMIN_ONLY_204).on(application),
        e("GET", "/api/v1/applications/{id}/environments", READ).on(application),
        e("POST", "/api/v1/applications/{id}/environments", WRITE_201)
            .on(application)
            .body(|_, _, _| Box::pin(async { json!({"name": unique("made-env-"), "type": "dev"}) })),
        e("GET", "/api/v1/applications/{id}/environments/{envId}", READ).on(environment),
        e("PUT", "/api/v1/applications/{id}/environments/{envId}", WRITE_200)
            .on(environment)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "cloud_region": "eu-west-1"}) })),
        e("DELETE", "/api/v1/applications/{id}/environments/{envId}", WRITE_204).on(environment),
        e("POST", "/api/v1/applications/import", WRITE_201).csv("name,tier\nImported by the matrix,P4\n"),
    ]
}
