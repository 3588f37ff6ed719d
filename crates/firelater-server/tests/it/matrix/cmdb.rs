//! The CMDB: classes, configuration items, relationships, impact and graphs.

use super::{ADMIN_ONLY_204, Entry, Fut, Params, READ, World, e, unique};
use serde_json::json;

const WRITE_201: [u16; 4] = [201, 201, 403, 403];
const WRITE_200: [u16; 4] = [200, 200, 403, 403];

/// A class of tenant A that no CI has.
fn class<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let c = w
            .post(
                "/api/v1/cmdb/classes",
                json!({"name": unique("cls_"), "label": "Class"}),
            )
            .await;
        vec![("{id}", c["id"].as_str().expect("id").to_owned())]
    })
}

async fn new_ci(w: &World) -> String {
    let c = w
        .post(
            "/api/v1/cmdb/cis",
            json!({"name": unique("ci-"), "ci_class": "server", "environment": "production"}),
        )
        .await;
    c["id"].as_str().expect("id").to_owned()
}

/// A configuration item of tenant A.
fn ci<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move { vec![("{id}", new_ci(w).await)] })
}

/// Two configuration items of tenant A, as the body's ends.
fn two_cis<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move { vec![("{source}", new_ci(w).await), ("{target}", new_ci(w).await)] })
}

/// A relationship of tenant A.
fn relationship<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let (s, t) = (new_ci(w).await, new_ci(w).await);
        let r = w
            .post(
                "/api/v1/cmdb/relationships",
                json!({"source_ci_id": s, "target_ci_id": t, "relationship_type": "depends_on"}),
            )
            .await;
        vec![("{id}", r["id"].as_str().expect("id").to_owned())]
    })
}

/// An application of tenant A.
fn application<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let a = w
            .post("/api/v1/applications", json!({"name": unique("app-"), "tier": "P3"}))
            .await;
        vec![("{id}", a["id"].as_str().expect("id").to_owned())]
    })
}

fn param(p: &Params, name: &str) -> String {
    p.iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.clone())
        .expect("fixture param")
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/cmdb/classes", READ),
        e("POST", "/api/v1/cmdb/classes", WRITE_201)
            .body(|_, _, _| Box::pin(async { json!({"name": unique("made_"), "label": "Made"}) })),
        e("GET", "/api/v1/cmdb/classes/{id}", READ).on(class),
        e("PUT", "/api/v1/cmdb/classes/{id}", WRITE_200)
            .on(class)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "label": "Changed"}) })),
        e("DELETE", "/api/v1/cmdb/classes/{id}", ADMIN_ONLY_204).on(class),
        e("GET", "/api/v1/cmdb/cis", READ),
        e("POST", "/api/v1/cmdb/cis/import", WRITE_201)
            .csv("name,ci_class,environment,attr.os\nimported-by-the-matrix,server,test,Debian 12\n"),
        e("POST", "/api/v1/cmdb/cis", WRITE_201).body(|_, _, _| {
            Box::pin(async { json!({"name": unique("made-ci-"), "ci_class": "database", "environment": "test"}) })
        }),
        e("GET", "/api/v1/cmdb/cis/{id}", READ).on(ci),
        e("PUT", "/api/v1/cmdb/cis/{id}", WRITE_200)
            .on(ci)
            .body(|_, _, _| Box::pin(async { json!({"version": 1, "status": "maintenance"}) })),
        e("DELETE", "/api/v1/cmdb/cis/{id}", ADMIN_ONLY_204).on(ci),
        e("GET", "/api/v1/cmdb/cis/{id}/relationships", READ).on(ci),
        e("GET", "/api/v1/cmdb/cis/{id}/impact", READ).on(ci),
        e("GET", "/api/v1/cmdb/cis/{id}/graph", READ).on(ci),
        e("GET", "/api/v1/applications/{id}/impact", READ).on(application),
        e("GET", "/api/v1/applications/{id}/graph", READ).on(application),
        e("GET", "/api/v1/cmdb/relationships", READ),
        e("POST", "/api/v1/cmdb/relationships", WRITE_201)
            .with(two_cis)
            .body(|_, _, p| {
                let (s, t) = (param(p, "{source}"), param(p, "{target}"));
                Box::pin(async move { json!({"source_ci_id": s, "target_ci_id": t, "relationship_type": "runs_on"}) })
            }),
        e("GET", "/api/v1/cmdb/relationships/{id}", READ).on(relationship),
        e("DELETE", "/api/v1/cmdb/relationships/{id}", ADMIN_ONLY_204).on(relationship),
    ]
}
