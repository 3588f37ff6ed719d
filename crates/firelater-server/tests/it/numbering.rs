//! Human-readable numbers drawn inside the creating transaction.

use firelater_core::ids::TenantId;
use firelater_core::numbering::NumberedEntity;
use firelater_db::repo::{audit, numbers, tenants};
use firelater_testkit::TestApp;

async fn default_tenant(app: &TestApp) -> TenantId {
    tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .expect("tenant")
        .id
}

#[tokio::test]
async fn fifty_concurrent_creates_get_fifty_distinct_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let tenant = default_tenant(&app).await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let db = app.services.db.clone();
        tasks.push(tokio::spawn(async move {
            let now = chrono::Utc::now();
            let tx = db.tenant_write(tenant).await.expect("tx");
            let number = numbers::next(&tx, NumberedEntity::Issue, now).await.expect("number");
            // The "create" the number belongs to, in the same transaction.
            audit::record(
                &tx,
                audit::NewAuditEntry {
                    actor_id: None,
                    actor_type: "system",
                    action: "test.created".into(),
                    entity_type: "issue",
                    entity_id: Some(uuid::Uuid::now_v7()),
                    changes: Some(serde_json::json!({"number": number})),
                    ip: None,
                    user_agent: None,
                    request_id: None,
                    at: now,
                },
            )
            .await
            .expect("create");
            tx.commit().await.expect("commit");
            number
        }));
    }
    let mut got: Vec<String> = Vec::new();
    for t in tasks {
        got.push(t.await.expect("task"));
    }
    got.sort();
    let expected: Vec<String> = (1..=50).map(|n| format!("ISS-{n:05}")).collect();
    assert_eq!(got, expected);
    app.stop().await;
}

#[tokio::test]
async fn numbers_are_per_tenant_and_a_rolled_back_create_gives_its_number_back() {
    let app = TestApp::spawn().await;
    let tenant = default_tenant(&app).await;
    let db = &app.services.db;
    let now = chrono::Utc::now();
    let tx = db.tenant_write(tenant).await.expect("tx");
    assert_eq!(
        numbers::next(&tx, NumberedEntity::Change, now).await.expect("n"),
        "CHG-00001"
    );
    drop(tx); // rolled back
    let tx = db.tenant_write(tenant).await.expect("tx");
    assert_eq!(
        numbers::next(&tx, NumberedEntity::Change, now).await.expect("n"),
        "CHG-00001"
    );
    assert_eq!(
        numbers::next(&tx, NumberedEntity::Request, now).await.expect("n"),
        "REQ-00001",
        "each entity type counts alone"
    );
    tx.commit().await.expect("commit");

    let (other, _) = app
        .services
        .create_tenant(firelater_service::tenants::NewTenant {
            name: "Other".into(),
            slug: "other".into(),
            admin_email: "a@other.example".into(),
            admin_name: "A".into(),
            admin_password: "other password 1".into(),
        })
        .await
        .expect("tenant");
    let tx = db.tenant_write(TenantId(other.id.into())).await.expect("tx");
    assert_eq!(
        numbers::next(&tx, NumberedEntity::Change, now).await.expect("n"),
        "CHG-00001",
        "each tenant counts alone"
    );
    tx.commit().await.expect("commit");
    app.stop().await;
}
