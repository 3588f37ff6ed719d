//! Durability: the server is killed with SIGKILL in the middle of a write load, restarted on
//! the same database, and every write it had acknowledged is there.

use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestDb};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn start(db: &TestDb, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_firelater"))
        .env("FIRELATER_CONFIG", db.dir().join("none.toml"))
        .env("FIRELATER_LISTEN", format!("127.0.0.1:{port}"))
        .env("FIRELATER_DATABASE_URL", &db.url)
        .env("FIRELATER_DATA_DIR", db.dir().join("files"))
        .env("FIRELATER_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("FIRELATER_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("FIRELATER_LOGIN_RATE_PER_MINUTE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn firelater")
}

async fn wait_up(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up at {base}");
}

async fn token(client: &reqwest::Client, base: &str) -> String {
    let res: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"tenant": "default", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    res["access_token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn every_acknowledged_write_survives_a_sigkill() {
    let db = TestDb::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = start(&db, port);
    wait_up(&client, &base).await;
    let bearer = token(&client, &base).await;

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..6 {
        let (client, base, bearer, acked) = (client.clone(), base.clone(), bearer.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..2000 {
                let email = format!("crash-{w}-{i}@example.com");
                let res = client
                    .post(format!("{base}/api/v1/users"))
                    .bearer_auth(&bearer)
                    .json(&json!({"email": email, "name": "Crash"}))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 201 => acked.lock().expect("lock").push(email),
                    _ => break,
                }
            }
        }));
    }
    // Kill once a good number of writes were acknowledged, with writes still in flight.
    for _ in 0..400 {
        if acked.lock().expect("lock").len() >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for w in writers {
        w.await.expect("writer");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() >= 50, "the load ran before the kill ({} acks)", acked.len());

    let mut child = start(&db, port);
    wait_up(&client, &base).await;
    let bearer = token(&client, &base).await;
    let mut stored = std::collections::HashSet::new();
    for page in 1..=200 {
        let v: Value = client
            .get(format!(
                "{base}/api/v1/users?q=crash-&per_page=100&page={page}&sort=email"
            ))
            .bearer_auth(&bearer)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        let data = v["data"].as_array().expect("data");
        stored.extend(data.iter().map(|u| u["email"].as_str().expect("email").to_owned()));
        if data.len() < 100 {
            break;
        }
    }
    let lost: Vec<&String> = acked.iter().filter(|e| !stored.contains(*e)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes were lost, e.g. {:?}",
        lost.len(),
        lost.first()
    );
    child.kill().expect("stop");
    child.wait().expect("reaped");
    db.remove().await;
}
