//! CSV in and out over HTTP: an import checks every row and names each bad one by line and
//! field, writes nothing unless every row is good (and never on a dry run), resolves
//! references as people write them; any list exports every matching row as CSV, authorized
//! as the list is.

use firelater_testkit::TestApp;
use reqwest::{Method, Response, header};
use serde_json::{Value, json};

async fn json_of(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.expect("body");
    assert_eq!(got, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).expect("json")
}

async fn import(app: &TestApp, query: &str, csv: &str, status: u16) -> Value {
    let res = app
        .admin(Method::POST, &format!("/api/v1/applications/import{query}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("request");
    json_of(res, status).await
}

async fn total_applications(app: &TestApp) -> u64 {
    let page = json_of(
        app.admin(Method::GET, "/api/v1/applications")
            .send()
            .await
            .expect("list"),
        200,
    )
    .await;
    page["meta"]["total"].as_u64().expect("total")
}

fn errors_of(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().expect("line"),
                e["field"].as_str().expect("field").to_owned(),
                e["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

async fn export(app: &TestApp, token: &str, path: &str) -> Response {
    app.request(Method::GET, path)
        .bearer_auth(token)
        .header(header::ACCEPT, "text/csv")
        .send()
        .await
        .expect("export")
}

async fn csv_rows(res: Response) -> Vec<Vec<String>> {
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE].to_str().expect("type"),
        "text/csv; charset=utf-8"
    );
    let text = res.text().await.expect("csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn a_file_with_bad_rows_names_each_by_line_and_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let csv = "name,tier,owner_email,owner_group,tags\n\
               Payments,P1,,,\n\
               Ledger,P9,,,\n\
               Search,P2,nobody@example.com,No Such Team,a;b\n\
               ,P3,,,\n";
    let report = import(&app, "", csv, 422).await;
    assert_eq!(report["code"], "validation_failed");
    let report = &report["report"];
    assert_eq!(
        errors_of(report),
        [
            (3, "tier".into(), "invalid".into()),
            (4, "owner_email".into(), "invalid_reference".into()),
            (4, "owner_group".into(), "invalid_reference".into()),
            (5, "name".into(), "required".into()),
        ]
    );
    assert_eq!(
        (report["total_rows"].as_u64(), report["valid_rows"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(report["created"], 0);
    assert_eq!(
        total_applications(&app).await,
        0,
        "a file with a bad row writes nothing"
    );

    let dry = import(&app, "?dry_run=true", csv, 200).await;
    assert_eq!(dry["dry_run"], true);
    assert_eq!(errors_of(&dry), errors_of(report));
}

#[tokio::test]
async fn a_good_file_is_checked_by_a_dry_run_then_imported_with_references_resolved() {
    let app = TestApp::spawn().await;
    let group = json_of(
        app.admin(Method::POST, "/api/v1/groups")
            .json(&json!({"name": "Payments Team"}))
            .send()
            .await
            .expect("group"),
        201,
    )
    .await;
    let csv = "name,description,tier,status,criticality,owner_email,owner_group,tags\n\
               Payments,\"Takes money, safely\",P1,active,mission_critical,admin@example.com,Payments Team,pci;core\n\
               Ledger,,P2,,,,,\n";
    let dry = import(&app, "?dry_run=true", csv, 200).await;
    assert!(errors_of(&dry).is_empty(), "{dry}");
    assert_eq!(
        (dry["valid_rows"].as_u64(), dry["created"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(total_applications(&app).await, 0, "a dry run writes nothing");

    let done = import(&app, "", csv, 201).await;
    assert_eq!(
        (done["dry_run"].as_bool(), done["created"].as_u64()),
        (Some(false), Some(2))
    );
    let page = json_of(
        app.admin(Method::GET, "/api/v1/applications?sort=app_id")
            .send()
            .await
            .expect("list"),
        200,
    )
    .await;
    let payments = &page["data"][0];
    assert_eq!(payments["app_id"], "APP-00001");
    assert_eq!(payments["description"], "Takes money, safely");
    assert_eq!(payments["criticality"], "mission_critical");
    assert_eq!(payments["tags"], json!(["pci", "core"]));
    assert_eq!(payments["owner_group_id"], group["id"]);
    assert!(payments["owner_user_id"].is_string());
    assert_eq!(page["data"][1]["status"], "active", "an empty cell takes the default");
    let audit = json_of(
        app.admin(Method::GET, "/api/v1/audit-logs?entity_type=application")
            .send()
            .await
            .expect("audit"),
        200,
    )
    .await;
    assert_eq!(audit["meta"]["total"], 2, "each imported row is audited as a create");
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_refused_with_its_problem_named() {
    let app = TestApp::spawn().await;
    let unknown = import(&app, "?dry_run=true", "name,tier,colour\nA,P1,red\n", 200).await;
    assert_eq!(errors_of(&unknown), [(1, "colour".into(), "unknown_column".into())]);
    let missing = import(&app, "?dry_run=true", "name\nA\n", 200).await;
    assert_eq!(errors_of(&missing), [(1, "tier".into(), "required".into())]);
    let ragged = import(&app, "?dry_run=true", "name,tier\nA,P1\nB\n", 200).await;
    assert_eq!(errors_of(&ragged), [(3, "file".into(), "invalid".into())]);

    let bad_flag = import(&app, "?dry_run=maybe", "name,tier\nA,P1\n", 400).await;
    assert!(bad_flag["errors"]["dry_run"].is_array(), "{bad_flag}");
    let json_body = app
        .admin(Method::POST, "/api/v1/applications/import")
        .json(&json!({"name": "A"}))
        .send()
        .await
        .expect("request");
    assert_eq!(json_body.status().as_u16(), 415);
    let latin1 = app
        .admin(Method::POST, "/api/v1/applications/import")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(vec![b'n', b'a', b'm', b'e', b'\n', 0xe9, b'\n'])
        .send()
        .await
        .expect("request");
    let problem = json_of(latin1, 422).await;
    assert!(problem["errors"]["file"].is_array(), "{problem}");
    assert_eq!(total_applications(&app).await, 0);
}

#[tokio::test]
async fn importing_needs_the_create_permission() {
    let app = TestApp::spawn().await;
    app.create_user("agent@default.example", Some("agent password 1234"), &["agent"])
        .await;
    let token = app
        .login("default", "agent@default.example", "agent password 1234")
        .await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let res = app
        .request(Method::POST, "/api/v1/applications/import")
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "text/csv")
        .body("name,tier\nA,P1\n")
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(total_applications(&app).await, 0);
}

#[tokio::test]
async fn a_list_exports_every_matching_row_across_pages_with_its_filters_and_fields() {
    let app = TestApp::spawn().await;
    let mut csv = String::from("name,tier,tags\n");
    for i in 0..130 {
        let tier = if i % 2 == 0 { "P1" } else { "P2" };
        csv.push_str(&format!("App {i:03},{tier},web;eu\n"));
    }
    import(&app, "", &csv, 201).await;
    csv.clear();
    csv.push_str("name,tier,description\n=HYPERLINK(\"x\"),P3,-1\n");
    import(&app, "", &csv, 201).await;

    let all = csv_rows(export(&app, &app.admin_token, "/api/v1/applications?per_page=5&page=2").await).await;
    assert_eq!(all.len(), 132, "a header and every row, whatever page was asked for");
    let header = &all[0];
    for column in ["id", "app_id", "name", "tier", "tags", "metadata"] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let tags = header.iter().position(|h| h == "tags").expect("tags");
    let name = header.iter().position(|h| h == "name").expect("name");
    let first = all.iter().find(|r| r[name] == "App 000").expect("App 000");
    assert_eq!(first[tags], "web;eu", "lists are joined as imports read them");
    let description = header.iter().position(|h| h == "description").expect("description");
    let formula = all.iter().find(|r| r[name].contains("HYPERLINK")).expect("formula row");
    assert_eq!(formula[name], "'=HYPERLINK(\"x\")", "a formula is neutralised");
    assert_eq!(formula[description], "'-1");

    let p1 = csv_rows(
        export(
            &app,
            &app.admin_token,
            "/api/v1/applications?tier=P1&fields=name,tier&sort=name",
        )
        .await,
    )
    .await;
    assert_eq!(p1[0], ["id", "name", "tier"]);
    assert_eq!(p1.len(), 66);
    assert!(p1[1..].iter().all(|r| r[2] == "P1"));
    assert_eq!(p1[1][1], "App 000");

    let res = export(&app, &app.admin_token, "/api/v1/applications").await;
    let disposition = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("disposition")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"applications-"),
        "{disposition}"
    );
    let users = csv_rows(export(&app, &app.admin_token, "/api/v1/users").await).await;
    assert_eq!(users.len(), 2, "every list exports: the one admin");
}

#[tokio::test]
async fn an_export_is_authorized_and_validated_as_its_list_is() {
    let app = TestApp::spawn().await;
    app.create_user("req@default.example", Some("requester password 1"), &["requester"])
        .await;
    let token = app
        .login("default", "req@default.example", "requester password 1")
        .await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let denied = export(&app, &token, "/api/v1/applications").await;
    assert_eq!(denied.status().as_u16(), 403);
    let bad = export(&app, &app.admin_token, "/api/v1/applications?tier=P7").await;
    let problem = json_of(bad, 400).await;
    assert!(problem["errors"]["tier"].is_array(), "{problem}");
    let one = export(&app, &app.admin_token, "/api/v1/auth/me").await;
    assert_eq!(one.status().as_u16(), 200);
    assert!(
        one.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("application/json"),
        "what is not a list answers as it always does"
    );
}

async fn import_cis(app: &TestApp, query: &str, csv: &str, status: u16) -> Value {
    let res = app
        .admin(Method::POST, &format!("/api/v1/cmdb/cis/import{query}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("request");
    json_of(res, status).await
}

async fn post(app: &TestApp, path: &str, body: Value) -> Value {
    json_of(
        app.admin(Method::POST, path).json(&body).send().await.expect("post"),
        201,
    )
    .await
}

#[tokio::test]
async fn a_ci_file_names_bad_attributes_references_and_relationships_by_line_and_column() {
    let app = TestApp::spawn().await;
    let db = post(
        &app,
        "/api/v1/cmdb/cis",
        json!({"name": "db-1", "ci_class": "database", "environment": "production"}),
    )
    .await;
    assert_eq!(db["number"], "CI-00001");
    let csv = "name,ci_class,environment,application,attr.cpu_cores,attr.os,relationships\n\
               web-1,server,production,,4,Ubuntu 22.04,depends_on:CI-00001\n\
               web-2,server,production,,zero,,depends_on:CI-00001\n\
               web-3,router,staging,APP-09999,,,likes:CI-00001;depends_on:CI-09999\n\
               web-4,server,moon,,,,\n";
    let report = &import_cis(&app, "", csv, 422).await["report"];
    assert_eq!(
        errors_of(report),
        [
            (3, "attr.cpu_cores".into(), "invalid".into()),
            (4, "application".into(), "invalid_reference".into()),
            (4, "ci_class".into(), "invalid_reference".into()),
            (4, "relationships".into(), "invalid".into()),
            (4, "relationships".into(), "invalid_reference".into()),
            (5, "environment".into(), "invalid".into()),
        ]
    );
    let page = json_of(
        app.admin(Method::GET, "/api/v1/cmdb/cis").send().await.expect("list"),
        200,
    )
    .await;
    assert_eq!(page["meta"]["total"], 1, "nothing was imported");
}

#[tokio::test]
async fn a_ci_file_imports_typed_attributes_links_and_relationships_by_number() {
    let app = TestApp::spawn().await;
    let application = post(&app, "/api/v1/applications", json!({"name": "Payments", "tier": "P1"})).await;
    let service = post(
        &app,
        "/api/v1/services",
        json!({"name": "Card payments", "type": "business"}),
    )
    .await;
    let db = post(
        &app,
        "/api/v1/cmdb/cis",
        json!({"name": "db-1", "ci_class": "database", "environment": "production"}),
    )
    .await;
    let csv = format!(
        "name,ci_class,environment,application,service,owner_email,attr.cpu_cores,attr.os,relationships\n\
         web-1,server,production,{app},{srv},admin@example.com,4,Ubuntu 22.04,depends_on:{db};runs_on:{db}\n\
         web-2,server,production,{app},,,,,\n",
        app = application["app_id"].as_str().expect("app_id"),
        srv = service["number"].as_str().expect("number"),
        db = db["number"].as_str().expect("number"),
    );
    let dry = import_cis(&app, "?dry_run=true", &csv, 200).await;
    assert!(errors_of(&dry).is_empty(), "{dry}");
    let done = import_cis(&app, "", &csv, 201).await;
    assert_eq!(done["created"], 2);

    let web = json_of(
        app.admin(Method::GET, "/api/v1/cmdb/cis?q=web-1")
            .send()
            .await
            .expect("list"),
        200,
    )
    .await["data"][0]
        .clone();
    assert_eq!(web["number"], "CI-00002");
    assert_eq!(web["attributes"], json!({"cpu_cores": 4, "os": "Ubuntu 22.04"}));
    assert_eq!(web["application_id"], application["id"]);
    assert_eq!(web["service_id"], service["id"]);
    let web_id = web["id"].as_str().expect("id");
    let rels = json_of(
        app.admin(
            Method::GET,
            &format!("/api/v1/cmdb/relationships?source_ci_id={web_id}"),
        )
        .send()
        .await
        .expect("rels"),
        200,
    )
    .await;
    let mut kinds: Vec<&str> = rels["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["relationship_type"].as_str().expect("type"))
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["depends_on", "runs_on"]);
    let impact = json_of(
        app.admin(
            Method::GET,
            &format!("/api/v1/cmdb/cis/{}/impact", db["id"].as_str().expect("id")),
        )
        .send()
        .await
        .expect("impact"),
        200,
    )
    .await;
    assert_eq!(impact["applications"][0]["id"], application["id"], "{impact}");
}
