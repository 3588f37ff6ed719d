//! Sign-in, tokens, the caller's sessions, MFA and password resets.

use super::{Entry, Fut, OK4, PASSWORD, Params, World, e, json_of, public};
use reqwest::Method;
use serde_json::json;

/// Another session of the calling user, which the caller may end.
fn own_session<'a>(w: &'a World, role: usize, token: &'a str) -> Fut<'a, Params> {
    Box::pin(async move {
        w.app.login("default", &w.emails[role], PASSWORD).await;
        let list = json_of(
            w.app
                .request(Method::GET, "/api/v1/auth/sessions")
                .bearer_auth(token)
                .send()
                .await
                .expect("sessions"),
        )
        .await;
        let other = list["data"]
            .as_array()
            .or_else(|| list.as_array())
            .expect("sessions")
            .iter()
            .find(|s| s["current"] != true)
            .map(|s| s["id"].as_str().expect("id").to_owned())
            // Without a token the list is a 401; any id will do then.
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        vec![("{id}", other)]
    })
}

pub fn entries() -> Vec<Entry> {
    vec![
        public("POST", "/api/v1/auth/login", 200).body(|w, role, _| {
            Box::pin(async move { json!({"tenant": "default", "email": w.emails[role], "password": PASSWORD}) })
        }),
        public("POST", "/api/v1/auth/refresh", 200).body(|w, role, _| {
            Box::pin(async move {
                let t = w.app.login("default", &w.emails[role], PASSWORD).await;
                json!({"refresh_token": t["refresh_token"]})
            })
        }),
        public("POST", "/api/v1/auth/forgot-password", 202)
            .body(|w, role, _| Box::pin(async move { json!({"tenant": "default", "email": w.emails[role]}) })),
        public("POST", "/api/v1/auth/reset-password", 422).body(|_, _, _| {
            Box::pin(async { json!({"token": "not-a-token", "new_password": "brand new password 1"}) })
        }),
        e("POST", "/api/v1/auth/logout", [204; 4]).fresh(),
        e("GET", "/api/v1/auth/me", OK4),
        e("GET", "/api/v1/auth/sessions", OK4),
        e("DELETE", "/api/v1/auth/sessions", [204; 4]).fresh(),
        e("DELETE", "/api/v1/auth/sessions/{id}", [204; 4])
            .with(own_session)
            .fresh(),
        e("POST", "/api/v1/auth/mfa/enroll", OK4).fresh(),
        e("POST", "/api/v1/auth/mfa/confirm", [422; 4])
            .fresh()
            .body(|_, _, _| Box::pin(async { json!({"code": "000000"}) })),
        e("DELETE", "/api/v1/auth/mfa", [409; 4])
            .fresh()
            .body(|_, _, _| Box::pin(async { json!({"password": PASSWORD}) })),
    ]
}
