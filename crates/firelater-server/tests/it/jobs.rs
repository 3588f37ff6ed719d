//! The durable job queue and the outbox relay.

use firelater_core::Clock;
use firelater_jobs::{Registry, WorkerConfig, relay_once, run_once, run_worker};
use firelater_service::jobs::{NewJob, status};
use firelater_testkit::{TestApp, fake_clock};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use uuid::Uuid;

fn job(kind: &str, max_attempts: i32) -> NewJob {
    NewJob {
        tenant_id: None,
        queue: "test".into(),
        kind: kind.into(),
        payload: serde_json::json!({}),
        run_at: chrono::Utc::now() - chrono::Duration::seconds(1),
        max_attempts,
    }
}

fn config(id: &str) -> WorkerConfig {
    let mut c = WorkerConfig::new("test");
    c.id = id.into();
    c.batch = 3;
    c.idle_wait = std::time::Duration::from_millis(20);
    c.backoff_base = chrono::Duration::seconds(10);
    c
}

#[tokio::test]
async fn two_workers_on_one_queue_run_every_job_exactly_once() {
    let app = TestApp::spawn().await;
    let runs: Arc<Mutex<HashMap<Uuid, u32>>> = Arc::default();
    let mut registry = Registry::new();
    let counter = runs.clone();
    registry.register("test.count", move |_, j| {
        let counter = counter.clone();
        async move {
            *counter.lock().expect("lock").entry(j.id).or_default() += 1;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            Ok(())
        }
    });
    let mut ids = Vec::new();
    for _ in 0..40 {
        ids.push(app.services.enqueue_job(job("test.count", 3)).await.expect("enqueue"));
    }
    let (tx, rx) = watch::channel(false);
    let a = tokio::spawn(run_worker(
        app.services.clone(),
        registry.clone(),
        config("worker-a"),
        rx.clone(),
    ));
    let b = tokio::spawn(run_worker(app.services.clone(), registry, config("worker-b"), rx));
    for _ in 0..600 {
        if runs.lock().expect("lock").len() == ids.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tx.send(true).expect("stop");
    a.await.expect("a");
    b.await.expect("b");
    let runs = runs.lock().expect("lock").clone();
    assert_eq!(runs.len(), ids.len(), "every job ran");
    assert!(runs.values().all(|n| *n == 1), "no job ran twice: {runs:?}");
    for id in ids {
        assert_eq!(
            app.services.job(id).await.expect("q").expect("job").status,
            status::DONE
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_failing_job_backs_off_exponentially_then_goes_to_the_dead_letter() {
    let clock = fake_clock();
    let app = TestApp::builder().fake_clock(clock.clone()).spawn().await;
    let mut registry = Registry::new();
    registry.register("test.fail", |_, _| async { Err("the dependency is down".to_owned()) });
    let mut j = job("test.fail", 3);
    j.run_at = clock.now();
    let id = app.services.enqueue_job(j).await.expect("enqueue");
    let (_tx, rx) = watch::channel(false);
    let cfg = config("w");

    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx)
            .await
            .expect("pass")
            .failed,
        1
    );
    let after1 = app.services.job(id).await.expect("q").expect("job");
    assert_eq!((after1.status.as_str(), after1.attempts), (status::QUEUED, 1));
    assert_eq!(
        after1.run_at - clock.now(),
        chrono::Duration::seconds(20),
        "first retry after 2 × base"
    );
    assert_eq!(after1.last_error.as_deref(), Some("the dependency is down"));
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx)
            .await
            .expect("pass")
            .failed,
        0,
        "not due yet"
    );

    clock.advance(chrono::Duration::seconds(21));
    run_once(&app.services, &registry, &cfg, &rx).await.expect("pass");
    let after2 = app.services.job(id).await.expect("q").expect("job");
    assert_eq!(
        after2.run_at - clock.now(),
        chrono::Duration::seconds(40),
        "the delay doubles"
    );

    clock.advance(chrono::Duration::seconds(41));
    run_once(&app.services, &registry, &cfg, &rx).await.expect("pass");
    let dead = app.services.job(id).await.expect("q").expect("job");
    assert_eq!((dead.status.as_str(), dead.attempts), (status::DEAD, 3));
    clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx)
            .await
            .expect("pass")
            .failed,
        0,
        "dead jobs stay dead"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_job_interrupted_by_a_crash_runs_again_after_its_lease_expires() {
    let clock = fake_clock();
    let app = TestApp::builder().fake_clock(clock.clone()).spawn().await;
    let mut j = job("test.ok", 3);
    j.run_at = clock.now();
    let id = app.services.enqueue_job(j).await.expect("enqueue");
    // A worker claims the job and dies without finishing it.
    let claimed = app
        .services
        .claim_jobs("test", "crashed-worker", 10, chrono::Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let mut registry = Registry::new();
    registry.register("test.ok", |_, _| async { Ok(()) });
    let (_tx, rx) = watch::channel(false);
    let cfg = config("survivor");
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        0,
        "the lease still holds"
    );
    clock.advance(chrono::Duration::minutes(6));
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        1,
        "the expired lease is claimed again"
    );
    let done = app.services.job(id).await.expect("q").expect("job");
    assert_eq!(
        (done.status.as_str(), done.attempts, done.locked_by.as_deref()),
        (status::DONE, 2, Some("survivor"))
    );
    app.stop().await;
}

#[tokio::test]
async fn shutdown_gives_claimed_jobs_back_untouched() {
    let app = TestApp::spawn().await;
    let id = app.services.enqueue_job(job("test.ok", 3)).await.expect("enqueue");
    let registry = Registry::new();
    let (tx, rx) = watch::channel(false);
    tx.send(true).expect("shutdown requested");
    let pass = run_once(&app.services, &registry, &config("w"), &rx)
        .await
        .expect("pass");
    assert_eq!(pass.released, 1);
    let j = app.services.job(id).await.expect("q").expect("job");
    assert_eq!((j.status.as_str(), j.attempts, j.locked_by), (status::QUEUED, 0, None));
    app.stop().await;
}

#[tokio::test]
async fn the_relay_publishes_outbox_events_in_order_once() {
    let app = TestApp::spawn().await;
    let u = app.create_user("relay@example.com", None, &[]).await;
    let (sender, mut receiver) = tokio::sync::broadcast::channel(64);
    let n = relay_once(&app.services, &sender).await.expect("relay");
    assert!(n >= 2, "the tenant's and the user's creation events");
    let mut names = Vec::new();
    while let Ok(e) = receiver.try_recv() {
        names.push((e.event_type, e.entity_id));
    }
    let user_id: Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    assert_eq!(names.last(), Some(&("user.created".to_owned(), Some(user_id))));
    assert_eq!(
        relay_once(&app.services, &sender).await.expect("relay"),
        0,
        "published events are not sent again"
    );
    assert!(
        app.services.events_of(user_id).await.expect("events")[0]
            .published_at
            .is_some()
    );
    app.stop().await;
}
