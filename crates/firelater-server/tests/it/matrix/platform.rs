//! The platform operator's API: no tenant user's token opens it.

use super::{Entry, Fut, PASSWORD, Params, World, e, unique};
use serde_json::json;

/// Tenant A itself.
fn tenant<'a>(w: &'a World, _: usize, _: &'a str) -> Fut<'a, Params> {
    Box::pin(async move { vec![("{id}", w.tenant_a.clone())] })
}

pub fn entries() -> Vec<Entry> {
    vec![
        e("GET", "/api/v1/platform/tenants", [401; 4]),
        e("POST", "/api/v1/platform/tenants", [401; 4]).body(|_, _, _| {
            Box::pin(async {
                json!({"name": "P", "slug": unique("plat-"), "admin_email": "p@example.com", "admin_password": PASSWORD})
            })
        }),
        e("POST", "/api/v1/platform/tenants/{id}/suspend", [401; 4]).with(tenant),
        e("POST", "/api/v1/platform/tenants/{id}/resume", [401; 4]).with(tenant),
        e("DELETE", "/api/v1/platform/tenants/{id}", [401; 4]).with(tenant),
    ]
}
