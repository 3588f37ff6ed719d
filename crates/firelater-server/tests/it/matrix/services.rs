//! Business services, their relationships and stakeholders, and applications' links to them.

use super::{ADMIN_ONLY_204, Entry, Fut, Params, READ, World, e, json_of, unique};
use reqwest::Method;
use serde_json::json;

const WRITE_201: [u16; 4] = [201, 201, 403, 403];
const WRITE_200: [u16; 4] = [200, 200, 403, 403];
const WRITE_204: [u16; 4] = [204, 204, 403, 403];

async fn new_service(w: &World) -> String {
    let s = w
        .post("/api/v1/services", json!({"name": unique("svc-"), "type": "business"}))
        .await;
    s["id"].as_str().expect("id").to_owned()
}

async fn new_application(w: &World) -> String {
    let a = w
        .post("/api/v1/applications", json!({"name": unique("app-"), "tier": "P3"}))
        .await;
    a["id"].as_str().expect("id").to_owned()
}

/// A service of tenant A, and (not in the path) a second one to link it to and tenant A's
/// administrator's user id.
fn service<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let id = new_service(w).await;
        let target = new_service(w).await;
        let me = json_of(w.app.admin(Method::GET, "/api/v1/auth/me").send().await.expect("me")).await;
        vec![
            ("{id}", id),
            ("target", target),
            ("user", me["user"]["id"].as_str().expect("user id").to_owned()),
        ]
    })
}

/// A service of tenant A with a relationship to another.
fn relationship<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let mut p = service(w, role, token).await;
        let r = w
            .post(
                &format!("/api/v1/services/{}/relationships", p[0].1),
                json!({"target_service_id": p[1].1, "relationship_type": "depends_on"}),
            )
            .await;
        p.push(("{relationshipId}", r["id"].as_str().expect("id").to_owned()));
        p
    })
}

/// A service of tenant A with a stakeholder.
fn stakeholder<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let mut p = service(w, role, token).await;
        let s = w
            .post(
                &format!("/api/v1/services/{}/stakeholders", p[0].1),
                json!({"user_id": p[2].1, "role": "stakeholder"}),
            )
            .await;
        p.push(("{stakeholderId}", s["id"].as_str().expect("id").to_owned()));
        p
    })
}

/// An application and a service of tenant A, not linked.
fn application_and_service<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        vec![
            ("{id}", new_application(w).await),
            ("{serviceId}", new_service(w).await),
        ]
    })
}

/// An application of tenant A that realises a service of tenant A.
fn linked<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let p = application_and_service(w, role, token).await;
        let res = w
            .app
            .admin(
                Method::PUT,
                &format!("/api/v1/applications/{}/services/{}", p[0].1, p[1].1),
            )
            .send()
            .await
            .expect("attach");
        assert_eq!(res.status(), 200, "fixture attach");
        p
    })
}

/// An application of tenant A.
fn application<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move { vec![("{id}", new_application(w).await)] })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/services", READ),
        e("POST", "/api/v1/services", WRITE_201)
            .body(|_, _, _| Box::pin(async { json!({"name": unique("made-svc-"), "type": "technical"}) })),
        e("GET", "/api/v1/services/{id}", READ).on(service),
        e("PUT", "/api/v1/services/{id}", WRITE_200)
            .on(service)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "description": "changed"}) })),
        e("DELETE", "/api/v1/services/{id}", ADMIN_ONLY_204).on(service),
        e("GET", "/api/v1/services/{id}/rollup", READ).on(service),
        e("GET", "/api/v1/services/{id}/relationships", READ).on(service),
        e("POST", "/api/v1/services/{id}/relationships", WRITE_201)
            .on(service)
            .body(|_, _, p| {
                let target = p[1].1.clone();
                Box::pin(async move { json!({"target_service_id": target, "relationship_type": "integrates_with"}) })
            }),
        e(
            "DELETE",
            "/api/v1/services/{id}/relationships/{relationshipId}",
            WRITE_204,
        )
        .on(relationship),
        e("GET", "/api/v1/services/{id}/stakeholders", READ).on(service),
        e("POST", "/api/v1/services/{id}/stakeholders", WRITE_201)
            .on(service)
            .body(|_, _, p| {
                let user = p[2].1.clone();
                Box::pin(async move { json!({"user_id": user, "role": "contributor"}) })
            }),
        e(
            "DELETE",
            "/api/v1/services/{id}/stakeholders/{stakeholderId}",
            WRITE_204,
        )
        .on(stakeholder),
        e("GET", "/api/v1/services/{id}/applications", READ).on(service),
        e("GET", "/api/v1/applications/{id}/services", READ).on(application),
        e("PUT", "/api/v1/applications/{id}/services/{serviceId}", WRITE_200).on(application_and_service),
        e("DELETE", "/api/v1/applications/{id}/services/{serviceId}", WRITE_204).on(linked),
    ]
}
