//! The durable job queue: claims, leases, backoff and the dead letter; keyed jobs enqueued,
//! cancelled and moved in a change's transaction; recurring jobs and retention.

use firelater_core::Clock;
use firelater_core::ids::TenantId;
use firelater_jobs::{RETENTION_JOB, Registry, WorkerConfig, ensure_recurring, relay_once, run_once, run_worker};
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
    let registry = Registry::new();
    let n = relay_once(&app.services, &registry, &sender).await.expect("relay");
    assert!(n >= 2, "the tenant's and the user's creation events");
    let mut names = Vec::new();
    while let Ok(e) = receiver.try_recv() {
        names.push((e.event_type, e.entity_id));
    }
    let user_id: Uuid = u["id"].as_str().expect("id").parse().expect("uuid");
    assert_eq!(names.last(), Some(&("user.created".to_owned(), Some(user_id))));
    assert_eq!(
        relay_once(&app.services, &registry, &sender).await.expect("relay"),
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

async fn default_tenant(app: &TestApp) -> TenantId {
    firelater_db::repo::tenants::find_by_slug(app.services.db.system(), "default")
        .await
        .expect("query")
        .map(|t| t.id)
        .expect("the default tenant")
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_does_not_exist() {
    let app = TestApp::spawn().await;
    let tenant = default_tenant(&app).await;
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    let id = app
        .services
        .enqueue_job_in(&tx, job("test.ok", 3), Some("sla:rolled-back"))
        .await
        .expect("enqueue");
    drop(tx);
    assert!(
        app.services.job(id).await.expect("q").is_none(),
        "rolled back with its change"
    );
    assert!(app.services.live_job("sla:rolled-back").await.expect("q").is_none());

    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    let id = app
        .services
        .enqueue_job_in(&tx, job("test.ok", 3), Some("sla:committed"))
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let j = app
        .services
        .job(id)
        .await
        .expect("q")
        .expect("committed with its change");
    assert_eq!(j.tenant_id, Some(tenant.0), "the job carries its change's tenant");
    assert_eq!(j.dedupe_key.as_deref(), Some("sla:committed"));
    app.stop().await;
}

#[tokio::test]
async fn enqueueing_a_live_key_twice_keeps_one_job_and_a_finished_key_can_be_enqueued_again() {
    let app = TestApp::spawn().await;
    let first = app
        .services
        .enqueue_job_keyed(job("test.ok", 3), "sla:issue-1:breach")
        .await
        .expect("enqueue");
    let second = app
        .services
        .enqueue_job_keyed(job("test.ok", 3), "sla:issue-1:breach")
        .await
        .expect("enqueue");
    assert_eq!(first, second, "the live job is kept");
    let tenant = default_tenant(&app).await;
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    let third = app
        .services
        .enqueue_job_in(&tx, job("test.ok", 3), Some("sla:issue-1:breach"))
        .await
        .expect("enqueue in a change");
    tx.commit().await.expect("commit");
    assert_eq!(first, third, "also from inside a change's transaction");
    let queued: i64 = app
        .services
        .job_counts()
        .await
        .expect("counts")
        .iter()
        .filter(|(q, s, _)| q == "test" && s == status::QUEUED)
        .map(|(_, _, n)| n)
        .sum();
    assert_eq!(queued, 1);

    let mut registry = Registry::new();
    registry.register("test.ok", |_, _| async { Ok(()) });
    let (_tx, rx) = watch::channel(false);
    assert_eq!(
        run_once(&app.services, &registry, &config("w"), &rx)
            .await
            .expect("pass")
            .done,
        1
    );
    let again = app
        .services
        .enqueue_job_keyed(job("test.ok", 3), "sla:issue-1:breach")
        .await
        .expect("enqueue");
    assert_ne!(again, first, "a finished job's key is free again (timers re-arm)");
    app.stop().await;
}

#[tokio::test]
async fn a_queued_job_is_cancelled_by_its_key() {
    let app = TestApp::spawn().await;
    let id = app
        .services
        .enqueue_job_keyed(job("test.ok", 3), "sla:cancel-me")
        .await
        .expect("enqueue");
    assert!(app.services.cancel_job("sla:cancel-me").await.expect("cancel"));
    assert_eq!(
        app.services.job(id).await.expect("q").expect("job").status,
        status::CANCELLED
    );
    assert!(app.services.live_job("sla:cancel-me").await.expect("q").is_none());
    assert!(
        !app.services.cancel_job("sla:cancel-me").await.expect("cancel"),
        "nothing left to cancel"
    );
    let mut registry = Registry::new();
    registry.register("test.ok", |_, _| async {
        Err("a cancelled job must not run".to_owned())
    });
    let (_tx, rx) = watch::channel(false);
    assert_eq!(
        run_once(&app.services, &registry, &config("w"), &rx)
            .await
            .expect("pass"),
        Default::default()
    );

    // Inside a change: cancelled only if the change commits.
    let tenant = default_tenant(&app).await;
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    let id = app
        .services
        .enqueue_job_in(&tx, job("test.ok", 3), Some("sla:cancel-in-tx"))
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    assert!(
        app.services
            .cancel_job_in(&tx, "sla:cancel-in-tx")
            .await
            .expect("cancel")
    );
    drop(tx);
    assert_eq!(
        app.services.job(id).await.expect("q").expect("job").status,
        status::QUEUED,
        "rolled back"
    );
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    assert!(
        app.services
            .cancel_job_in(&tx, "sla:cancel-in-tx")
            .await
            .expect("cancel")
    );
    tx.commit().await.expect("commit");
    assert_eq!(
        app.services.job(id).await.expect("q").expect("job").status,
        status::CANCELLED
    );
    app.stop().await;
}

#[tokio::test]
async fn a_queued_job_is_rescheduled_by_its_key() {
    let clock = fake_clock();
    let app = TestApp::builder().fake_clock(clock.clone()).spawn().await;
    let mut j = job("test.ok", 3);
    j.run_at = clock.now();
    let id = app.services.enqueue_job_keyed(j, "sla:move-me").await.expect("enqueue");
    let later = clock.now() + chrono::Duration::hours(1);
    assert!(app.services.reschedule_job("sla:move-me", later).await.expect("move"));
    assert_eq!(app.services.job(id).await.expect("q").expect("job").run_at, later);
    let mut registry = Registry::new();
    registry.register("test.ok", |_, _| async { Ok(()) });
    let (_tx, rx) = watch::channel(false);
    let cfg = config("w");
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        0,
        "not due any more"
    );

    // Inside a change's transaction, and only for its tenant's jobs.
    let tenant = default_tenant(&app).await;
    let even_later = later + chrono::Duration::hours(1);
    let tx = app.services.db.tenant_write(tenant).await.expect("tx");
    assert!(
        !app.services
            .reschedule_job_in(&tx, "sla:move-me", even_later)
            .await
            .expect("move"),
        "an instance job is not the tenant's to move"
    );
    let tid = app
        .services
        .enqueue_job_in(&tx, job("test.ok", 3), Some("sla:tenant-timer"))
        .await
        .expect("enqueue");
    assert!(
        app.services
            .reschedule_job_in(&tx, "sla:tenant-timer", even_later)
            .await
            .expect("move")
    );
    tx.commit().await.expect("commit");
    assert_eq!(app.services.job(tid).await.expect("q").expect("job").run_at, even_later);

    clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        1,
        "due at its new time"
    );
    assert_eq!(
        app.services.job(id).await.expect("q").expect("job").status,
        status::DONE
    );
    assert!(
        !app.services
            .reschedule_job("sla:move-me", even_later)
            .await
            .expect("move"),
        "done jobs stay put"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_retention_job_is_enqueued_once_and_requeues_itself_after_each_run() {
    let clock = fake_clock();
    let app = TestApp::builder().fake_clock(clock.clone()).spawn().await;
    let registry = firelater_jobs::builtin_registry();
    ensure_recurring(&app.services, &registry).await.expect("ensure");
    ensure_recurring(&app.services, &registry).await.expect("ensure again");
    let first = app.services.live_job(RETENTION_JOB).await.expect("q").expect("queued");
    let (_tx, rx) = watch::channel(false);
    let cfg = WorkerConfig::new("default");
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        1,
        "one job, run once"
    );
    let next = app
        .services
        .live_job(RETENTION_JOB)
        .await
        .expect("q")
        .expect("requeued");
    assert_eq!(next.id, first.id, "the same row goes back to the queue");
    assert_eq!(
        (next.status.as_str(), next.attempts, next.run_at),
        (status::QUEUED, 0, clock.now() + chrono::Duration::hours(1))
    );
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        0,
        "not due yet"
    );
    clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        run_once(&app.services, &registry, &cfg, &rx).await.expect("pass").done,
        1
    );
    app.stop().await;
}
