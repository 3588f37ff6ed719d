//! Durable event delivery (ADR 0013): the relay hands each event to a delivery job per
//! interested consumer in one transaction; each consumer completes each event once, its
//! receipt committed with its effects; a failing consumer retries and dead-letters alone; no
//! event is skipped when PostgreSQL commits them out of `seq` order; a process killed between
//! any two steps loses nothing and completes nothing twice; retention purges what is done.

use firelater_core::Clock;
use firelater_db::repo::{deliveries, outbox};
use firelater_db::{Db, DbOptions};
use firelater_jobs::{EVENT_LEDGER, Registry, WorkerConfig, relay_once, run_once};
use firelater_service::Services;
use firelater_service::jobs::{OutboxEvent, SystemTx, delivery_key, status};
use firelater_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, TestDb, fake_clock};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

type Seen = Arc<Mutex<HashMap<Uuid, u32>>>;

/// A consumer of `events` that counts its handler's runs per event.
fn counting(registry: &mut Registry, name: &str, events: &[&str]) -> Seen {
    let seen: Seen = Arc::default();
    let s = seen.clone();
    registry.consumer(name, events, move |_: Services, e: OutboxEvent, tx: SystemTx| {
        let s = s.clone();
        async move {
            *s.lock().expect("lock").entry(e.id).or_default() += 1;
            Ok(tx)
        }
    });
    seen
}

fn worker() -> WorkerConfig {
    let mut c = WorkerConfig::new("default");
    c.id = "events-test".into();
    c.batch = 50;
    c.backoff_base = chrono::Duration::seconds(10);
    c
}

/// Runs the relay, then the worker until a pass finds nothing due.
async fn settle(app: &TestApp, registry: &Registry) {
    let (sender, _) = broadcast::channel(1024);
    let (_tx, rx) = watch::channel(false);
    while relay_once(&app.services, registry, &sender).await.expect("relay") > 0 {}
    for _ in 0..100 {
        let pass = run_once(&app.services, registry, &worker(), &rx).await.expect("pass");
        if pass.done + pass.failed == 0 {
            return;
        }
    }
    panic!("the worker never went idle");
}

fn user_id(v: &serde_json::Value) -> Uuid {
    v["id"].as_str().expect("id").parse().expect("uuid")
}

#[tokio::test]
async fn each_consumer_gets_each_event_it_wants_once() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    let users = counting(&mut registry, "test.users", &["user.*"]);
    let all = counting(&mut registry, "test.all", &["*"]);
    let a = user_id(&app.create_user("a@example.com", None, &[]).await);
    let b = user_id(&app.create_user("b@example.com", None, &[]).await);
    settle(&app, &registry).await;

    let events = app.services.all_events().await.expect("events");
    assert!(events.iter().all(|e| e.published_at.is_some()), "every event handed on");
    let user_events: Vec<Uuid> = events
        .iter()
        .filter(|e| e.event_type.starts_with("user."))
        .map(|e| e.id)
        .collect();
    assert!(user_events.len() >= 2, "a's and b's creation at least");
    let users = users.lock().expect("lock").clone();
    let all = all.lock().expect("lock").clone();
    assert_eq!(
        users.len(),
        user_events.len(),
        "the prefix consumer got every user event"
    );
    assert!(users.keys().all(|id| user_events.contains(id)), "and nothing else");
    assert_eq!(all.len(), events.len(), "the catch-all consumer got every event");
    assert!(users.values().chain(all.values()).all(|n| *n == 1), "once each");
    assert_eq!(
        app.services.event_receipts("test.users").await.expect("receipts"),
        user_events.len() as i64
    );
    for id in [a, b] {
        let e = &app.services.events_of(id).await.expect("events")[0];
        let job = app
            .services
            .live_job(&delivery_key("test.users", e.id))
            .await
            .expect("q");
        assert!(job.is_none(), "the delivery is finished");
    }

    // A second delivery job for an event the consumer completed finds the receipt and
    // finishes without calling the handler.
    let first = user_events[0];
    let dup = app
        .services
        .enqueue_job_keyed(
            firelater_service::jobs::NewJob {
                tenant_id: None,
                queue: "default".into(),
                kind: "event:test.users".into(),
                payload: serde_json::json!({"event_id": first}),
                run_at: app.services.now(),
                max_attempts: 3,
            },
            "duplicate-delivery",
        )
        .await
        .expect("enqueue");
    settle(&app, &registry).await;
    assert_eq!(
        app.services.event_receipts("test.users").await.expect("receipts"),
        user_events.len() as i64,
        "no second receipt"
    );
    assert_eq!(
        app.services.job(dup).await.expect("q").expect("job").status,
        status::DONE
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failing_consumer_retries_with_backoff_then_dead_letters_while_another_completes() {
    let clock = fake_clock();
    let app = TestApp::builder().fake_clock(clock.clone()).spawn().await;
    let mut registry = Registry::new();
    let ok = counting(&mut registry, "test.ok", &["user.created"]);
    registry.consumer_with_attempts("test.broken", &["user.created"], 3, |_, _, _| async {
        Err::<SystemTx, _>("the webhook endpoint is down".to_owned())
    });
    let u = user_id(&app.create_user("fails@example.com", None, &[]).await);
    let event = app.services.events_of(u).await.expect("events")[0].clone();
    settle(&app, &registry).await;
    assert_eq!(
        ok.lock().expect("lock").get(&event.id),
        Some(&1),
        "the healthy consumer is not held up"
    );

    let key = delivery_key("test.broken", event.id);
    let broken = app
        .services
        .live_job(&key)
        .await
        .expect("q")
        .expect("queued for a retry");
    assert_eq!((broken.status.as_str(), broken.attempts), (status::QUEUED, 1));
    assert_eq!(broken.run_at - clock.now(), chrono::Duration::seconds(20), "2 × base");
    assert_eq!(broken.last_error.as_deref(), Some("the webhook endpoint is down"));

    // A later event is not blocked by the failing delivery either.
    let later = user_id(&app.create_user("later@example.com", None, &[]).await);
    let later_event = app.services.events_of(later).await.expect("events")[0].clone();
    settle(&app, &registry).await;
    assert_eq!(ok.lock().expect("lock").get(&later_event.id), Some(&1));

    clock.advance(chrono::Duration::seconds(21));
    settle(&app, &registry).await;
    let again = app.services.job(broken.id).await.expect("q").expect("job");
    assert_eq!((again.status.as_str(), again.attempts), (status::QUEUED, 2));
    assert_eq!(
        again.run_at - clock.now(),
        chrono::Duration::seconds(40),
        "the delay doubles"
    );
    clock.advance(chrono::Duration::seconds(41));
    settle(&app, &registry).await;
    let dead = app.services.job(broken.id).await.expect("q").expect("job");
    assert_eq!(
        (dead.status.as_str(), dead.attempts),
        (status::DEAD, 3),
        "the dead letter"
    );
    assert_eq!(app.services.event_receipts("test.broken").await.expect("receipts"), 0);
    assert!(ok.lock().expect("lock").values().all(|n| *n == 1));
    app.stop().await;
}

#[tokio::test]
async fn an_event_no_consumer_wants_is_only_marked_handed_on() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    let issues = counting(&mut registry, "test.issues", &["issue.*"]);
    let u = user_id(&app.create_user("nobody-wants@example.com", None, &[]).await);
    settle(&app, &registry).await;
    let e = &app.services.events_of(u).await.expect("events")[0];
    assert!(e.published_at.is_some(), "handed on");
    let (sender, _) = broadcast::channel(16);
    assert_eq!(relay_once(&app.services, &registry, &sender).await.expect("relay"), 0);
    assert!(issues.lock().expect("lock").is_empty());
    let counts = app.services.job_counts().await.expect("counts");
    assert!(counts.is_empty(), "no delivery job was made: {counts:?}");
    app.stop().await;
}

fn test_event(tag: &'static str) -> outbox::NewEvent {
    outbox::NewEvent {
        tenant_id: None,
        event_type: tag,
        entity_type: "test",
        entity_id: Some(Uuid::now_v7()),
        payload: serde_json::json!({}),
        occurred_at: chrono::Utc::now(),
    }
}

#[tokio::test]
async fn an_event_committed_after_a_later_one_is_not_skipped_on_postgresql() {
    let app = TestApp::spawn().await;
    if !app.is_postgres() {
        println!("skipped: commit order differs from seq order on PostgreSQL only");
        app.stop().await;
        return;
    }
    let mut registry = Registry::new();
    let seen = counting(&mut registry, "test.gap", &["test.*"]);
    settle(&app, &registry).await;
    // The first transaction takes the lower seq and stays open…
    let slow = app.services.db.system_write().await.expect("tx");
    let first = outbox::append(slow.conn(), test_event("test.slow"))
        .await
        .expect("append");
    // …while a later one commits.
    let fast = app.services.db.system_write().await.expect("tx");
    let second = outbox::append(fast.conn(), test_event("test.fast"))
        .await
        .expect("append");
    fast.commit().await.expect("commit");
    settle(&app, &registry).await;
    assert_eq!(
        seen.lock().expect("lock").keys().copied().collect::<Vec<_>>(),
        vec![second]
    );

    slow.commit().await.expect("commit");
    settle(&app, &registry).await;
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen.get(&first),
        Some(&1),
        "the lower seq, committed later, was not skipped"
    );
    assert_eq!(seen.get(&second), Some(&1));
    app.stop().await;
}

#[tokio::test]
async fn two_relays_never_hand_the_same_event_on_twice() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    let seen = counting(&mut registry, "test.race", &["test.*"]);
    settle(&app, &registry).await;
    for _ in 0..60 {
        let tx = app.services.db.system_write().await.expect("tx");
        outbox::append(tx.conn(), test_event("test.race"))
            .await
            .expect("append");
        tx.commit().await.expect("commit");
    }
    let (sender, _) = broadcast::channel(1024);
    let mut handed = 0;
    loop {
        let (a, b) = tokio::join!(
            relay_once(&app.services, &registry, &sender),
            relay_once(&app.services, &registry, &sender)
        );
        let n = a.expect("relay a") + b.expect("relay b");
        if n == 0 {
            break;
        }
        handed += n;
    }
    assert_eq!(handed, 60, "each event handed on by exactly one relay");
    settle(&app, &registry).await;
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 60);
    assert!(seen.values().all(|n| *n == 1));
    app.stop().await;
}

#[tokio::test]
async fn retention_purges_finished_jobs_handed_on_events_their_receipts_and_old_idempotency_keys() {
    let clock = fake_clock();
    let app = TestApp::builder().fake_clock(clock.clone()).spawn().await;
    let mut registry = Registry::new();
    counting(&mut registry, "test.ok", &["*"]);
    registry.consumer_with_attempts("test.stuck", &["user.deactivated"], 10, |_, _, _| async {
        Err::<SystemTx, _>("still failing".to_owned())
    });
    let u = user_id(&app.create_user("kept@example.com", None, &[]).await);
    let res = app
        .admin(reqwest::Method::DELETE, &format!("/api/v1/users/{u}"))
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success(), "deactivate: {}", res.status());
    let tenant = firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("q")
        .map(|t| t.id)
        .expect("tenant");
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    firelater_db::repo::idempotency::claim(&tx, u, "old-key", "POST", "/api/v1/users", "h", clock.now())
        .await
        .expect("claim");
    tx.commit().await.expect("commit");
    settle(&app, &registry).await;
    let events = app.services.all_events().await.expect("events");
    let stuck_event = events
        .iter()
        .find(|e| e.event_type == "user.deactivated")
        .expect("the deactivation event")
        .clone();
    assert!(app.services.event_receipts("test.ok").await.expect("r") as usize == events.len());

    let keep = chrono::Duration::days(30);
    let nothing = app.services.purge_retained(keep).await.expect("purge");
    assert_eq!(
        (nothing.jobs, nothing.events, nothing.receipts, nothing.idempotency_keys),
        (0, 0, 0, 0)
    );

    clock.advance(chrono::Duration::days(31));
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    firelater_db::repo::idempotency::claim(&tx, u, "new-key", "POST", "/api/v1/users", "h", clock.now())
        .await
        .expect("claim");
    tx.commit().await.expect("commit");
    // A job finished just now is kept.
    let recent = app
        .services
        .enqueue_job(firelater_service::jobs::NewJob {
            tenant_id: None,
            queue: "default".into(),
            kind: "event:test.ok".into(),
            payload: serde_json::json!({"event_id": stuck_event.id}),
            run_at: clock.now(),
            max_attempts: 1,
        })
        .await
        .expect("enqueue");
    let (_stop, rx) = watch::channel(false);
    run_once(&app.services, &registry, &worker(), &rx).await.expect("pass");
    assert_eq!(
        app.services.job(recent).await.expect("q").expect("job").status,
        status::DONE
    );

    let purged = app.services.purge_retained(keep).await.expect("purge");
    assert_eq!(
        purged.events as usize,
        events.len() - 1,
        "all but the one with a live delivery"
    );
    assert_eq!(purged.receipts, purged.events, "the receipts went with their events");
    assert_eq!(purged.idempotency_keys, 1, "the old key only");
    let left = app.services.all_events().await.expect("events");
    assert_eq!(left.iter().map(|e| e.id).collect::<Vec<_>>(), vec![stuck_event.id]);
    assert_eq!(app.services.event_receipts("test.ok").await.expect("r"), 1);
    let stuck = app
        .services
        .live_job(&delivery_key("test.stuck", stuck_event.id))
        .await
        .expect("q")
        .expect("the stuck delivery is still live");
    assert_eq!(stuck.status, status::QUEUED);
    assert!(
        app.services.job(recent).await.expect("q").is_some(),
        "a recent job is kept"
    );
    let counts = app.services.job_counts().await.expect("counts");
    let finished: i64 = counts
        .iter()
        .filter(|(_, s, _)| s == status::DONE || s == status::DEAD)
        .map(|(_, _, n)| n)
        .sum();
    assert_eq!(finished, 1, "only the recent job of the finished ones: {counts:?}");

    // Once the stuck delivery dead-letters and ages out, its event goes too.
    for _ in 0..12 {
        clock.advance(chrono::Duration::hours(2));
        settle(&app, &registry).await;
    }
    assert_eq!(
        app.services.job(stuck.id).await.expect("q").expect("job").status,
        status::DEAD
    );
    clock.advance(chrono::Duration::days(31));
    let purged = app.services.purge_retained(keep).await.expect("purge");
    assert_eq!(purged.events, 1);
    assert!(app.services.all_events().await.expect("events").is_empty());
    app.stop().await;
}

// --- Crash tests: the real binary, killed by a fail point between two steps. ---

fn start(db: &TestDb, port: u16, failpoint: Option<&str>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_firelater"));
    cmd.env("FIRELATER_CONFIG", db.dir().join("none.toml"))
        .env("FIRELATER_LISTEN", format!("127.0.0.1:{port}"))
        .env("FIRELATER_DATABASE_URL", &db.url)
        .env("FIRELATER_DATA_DIR", db.dir().join("files"))
        .env("FIRELATER_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("FIRELATER_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("FIRELATER_LOGIN_RATE_PER_MINUTE", "0")
        .env("FIRELATER_EVENT_LEDGER", "1")
        // A delivery cut off mid-way runs again once its lease expires.
        .env("FIRELATER_JOB_LEASE", "2")
        .env_remove("FIRELATER_FAILPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(point) = failpoint {
        cmd.env("FIRELATER_FAILPOINT", point);
    }
    cmd.spawn().expect("spawn firelater")
}

async fn wait_up(client: &reqwest::Client, base: &str) {
    for _ in 0..600 {
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

/// Waits until every event is handed on and in the ledger; returns `(events, ledger)`.
async fn wait_consumed(db: &Db) -> (Vec<firelater_db::entities::outbox_event::Model>, Vec<(i64, i32)>) {
    for _ in 0..1200 {
        let events = outbox::all(db.system()).await.expect("events");
        let ledger = deliveries::ledger(db.system()).await.expect("ledger");
        if !events.is_empty()
            && events.iter().all(|e| e.published_at.is_some())
            && events.iter().all(|e| ledger.iter().any(|(seq, _)| *seq == e.seq))
        {
            return (events, ledger);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the events were not all consumed in time");
}

async fn kill(mut child: Child) {
    child.kill().ok();
    child.wait().expect("reaped");
}

/// Starts the binary, lets it consume the first start's events, restarts it with `failpoint`
/// armed, creates a user so the point is reached, waits for the process to die there,
/// restarts it clean and checks that every event was consumed exactly once.
async fn killed_at(failpoint: &str) {
    let db = TestDb::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let child = start(&db, port, None);
    wait_up(&client, &base).await;
    let conn = Db::connect_owner(&db.url, &DbOptions::default())
        .await
        .expect("connect");
    wait_consumed(&conn).await;
    kill(child).await;

    let mut child = start(&db, port, Some(failpoint));
    wait_up(&client, &base).await;
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"tenant": "default", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let bearer = login["access_token"].as_str().expect("token").to_owned();
    // The answer may or may not arrive before the fail point kills the process.
    let _ = client
        .post(format!("{base}/api/v1/users"))
        .bearer_auth(&bearer)
        .json(&serde_json::json!({"email": "crash-event@example.com", "name": "Crash"}))
        .send()
        .await;
    let mut died = None;
    for _ in 0..600 {
        if let Some(status) = child.try_wait().expect("wait") {
            died = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = died.unwrap_or_else(|| panic!("the process did not die at {failpoint}"));
    assert!(!status.success(), "aborted at {failpoint}: {status}");

    let child = start(&db, port, None);
    wait_up(&client, &base).await;
    let (events, ledger) = wait_consumed(&conn).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event_type == "user.created" && e.payload["email"] == "crash-event@example.com")
            .count(),
        1,
        "the change before the crash was kept with its event"
    );
    assert_eq!(ledger.len(), events.len(), "one ledger row per event");
    assert!(
        ledger.iter().all(|(_, n)| *n == 1),
        "every event consumed exactly once after a crash at {failpoint}: {ledger:?}"
    );
    assert_eq!(
        deliveries::count_receipts(conn.system(), EVENT_LEDGER)
            .await
            .expect("receipts"),
        events.len() as i64
    );
    kill(child).await;
    conn.close().await.ok();
    db.remove().await;
}

#[tokio::test]
async fn a_crash_after_the_change_commits_before_the_hand_off_loses_no_event() {
    killed_at("relay.before_handoff").await;
}

#[tokio::test]
async fn a_crash_after_the_hand_off_commits_delivers_every_event_once() {
    killed_at("relay.after_handoff").await;
}

#[tokio::test]
async fn a_crash_mid_consumer_before_its_commit_redoes_the_delivery_once() {
    killed_at("consumer.after_handler").await;
}

#[tokio::test]
async fn a_crash_after_the_consumer_commits_does_not_run_it_again() {
    killed_at("consumer.after_commit").await;
}
