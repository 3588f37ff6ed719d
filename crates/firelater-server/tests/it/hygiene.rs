//! Input hygiene on every endpoint: NUL characters, text limits, look-alike names and emails.

use firelater_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn unprocessable(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "validation_failed", "{body}");
    body
}

#[tokio::test]
async fn a_nul_character_in_a_body_or_a_query_is_a_422_naming_the_field_on_every_backend() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/users")
        .json(&json!({"email": "nul@example.com", "name": "Ada\u{0}Lovelace"}))
        .send()
        .await
        .expect("send");
    let p = unprocessable(res).await;
    assert!(p["errors"]["name"].is_array(), "{p}");

    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "nul-role", "display_name": "Nul", "description": "x\u{0}y", "permissions": []}))
        .send()
        .await
        .expect("send");
    let p = unprocessable(res).await;
    assert!(p["errors"]["description"].is_array(), "{p}");

    let res = app
        .admin(Method::POST, "/api/v1/groups")
        .json(&json!({"name": "ops", "settings": {"k\u{0}": 1}}))
        .send()
        .await
        .expect("send");
    unprocessable(res).await;

    for query in ["q=a%00b", "email=a%00@example.com", "status=active%00"] {
        let res = app
            .admin(Method::GET, &format!("/api/v1/users?{query}"))
            .send()
            .await
            .expect("send");
        let p = unprocessable(res).await;
        assert!(p["errors"].as_object().is_some_and(|e| e.len() == 1), "{query}: {p}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_million_character_description_is_a_422_naming_description() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(1_000_000);
    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "big-role", "display_name": "Big", "description": huge, "permissions": []}))
        .send()
        .await
        .expect("send");
    let p = unprocessable(res).await;
    assert!(p["errors"]["description"].is_array(), "{p}");

    let res = app
        .admin(Method::POST, "/api/v1/roles")
        .json(&json!({"name": "small-role", "display_name": "Small", "description": "fine\non two lines", "permissions": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 201);
    let role: Value = res.json().await.expect("json");
    let res = app
        .admin(
            Method::PUT,
            &format!("/api/v1/roles/{}", role["id"].as_str().expect("id")),
        )
        .json(&json!({"version": role["version"], "description": huge}))
        .send()
        .await
        .expect("send");
    let p = unprocessable(res).await;
    assert!(p["errors"]["description"].is_array(), "{p}");

    let res = app
        .admin(Method::POST, "/api/v1/groups")
        .json(&json!({"name": "big-group", "description": huge}))
        .send()
        .await
        .expect("send");
    let p = unprocessable(res).await;
    assert!(p["errors"]["description"].is_array(), "{p}");
    app.stop().await;
}

#[tokio::test]
async fn names_with_invisible_or_direction_characters_are_refused() {
    let app = TestApp::spawn().await;
    for (path, body, field) in [
        (
            "/api/v1/users",
            json!({"email": "rlo@example.com", "name": "Ada\u{202E}ecalevoL"}),
            "name",
        ),
        ("/api/v1/groups", json!({"name": "ops\u{200B}"}), "name"),
        (
            "/api/v1/roles",
            json!({"name": "isolate", "display_name": "Ops\u{2066}x\u{2069}", "permissions": []}),
            "display_name",
        ),
        (
            "/api/v1/api-keys",
            json!({"name": "\u{FEFF}deploy", "permissions": []}),
            "name",
        ),
    ] {
        let res = app.admin(Method::POST, path).json(&body).send().await.expect("send");
        let p = unprocessable(res).await;
        assert!(p["errors"][field].is_array(), "{path}: {p}");
    }
    app.stop().await;
}

#[tokio::test]
async fn emails_are_normalised_matched_in_any_case_and_single_script() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/users")
        .json(&json!({"email": "Grace@Example.COM", "name": "Grace", "password": "violet tram umbrella 42"}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.expect("json")["email"], "grace@example.com");
    app.login("default", "GRACE@example.com", "violet tram umbrella 42")
        .await;
    app.login("default", "Admin@Example.com", firelater_testkit::ADMIN_PASSWORD)
        .await;

    let list: Value = app
        .admin(Method::GET, "/api/v1/users?email=GRACE@EXAMPLE.COM")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["meta"]["total"], 1, "{list}");

    for lookalike in ["gr\u{0430}ce@example.com", "grace@ex\u{0430}mple.com"] {
        let res = app
            .admin(Method::POST, "/api/v1/users")
            .json(&json!({"email": lookalike, "name": "Look-alike"}))
            .send()
            .await
            .expect("send");
        let p = unprocessable(res).await;
        assert!(p["errors"]["email"].is_array(), "{lookalike}: {p}");
    }
    app.stop().await;
}
