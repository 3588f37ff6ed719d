//! API keys.

use super::{ADMIN_ONLY_201, ADMIN_ONLY_204, Entry, Fut, Params, World, e, unique};
use serde_json::json;

/// An API key of tenant A.
fn api_key<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        let k = w
            .post(
                "/api/v1/api-keys",
                json!({"name": unique("key-"), "permissions": ["users:read"]}),
            )
            .await;
        vec![("{id}", k["id"].as_str().expect("id").to_owned())]
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/api-keys", [200, 403, 403, 403]),
        e("POST", "/api/v1/api-keys", ADMIN_ONLY_201)
            .body(|_, _, _| Box::pin(async { json!({"name": unique("key-"), "permissions": []}) })),
        e("DELETE", "/api/v1/api-keys/{id}", ADMIN_ONLY_204).on(api_key),
    ]
}
