//! The durable jobs table: timers and background work with `run_at`, attempts, a lease and a
//! dead letter. Claiming sets a lease; a worker that dies leaves the lease to expire, and the
//! job is claimed again.

use crate::db_err;
use crate::dialect::{claim_jobs_sql, stmt};
use crate::entities::job;
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

/// Job states.
pub mod status {
    /// Waiting for `run_at`.
    pub const QUEUED: &str = "queued";
    /// Claimed by a worker whose lease runs until `locked_until`.
    pub const RUNNING: &str = "running";
    /// Finished.
    pub const DONE: &str = "done";
    /// Failed its last attempt.
    pub const DEAD: &str = "dead";
    /// Cancelled by its key before it ran.
    pub const CANCELLED: &str = "cancelled";
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The tenant it works for.
    pub tenant_id: Option<Uuid>,
    /// The queue, e.g. `default`.
    pub queue: String,
    /// The handler's name.
    pub kind: String,
    /// The handler's input.
    pub payload: serde_json::Value,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// Attempts before the dead letter.
    pub max_attempts: i32,
}

/// Enqueues a job on `conn` (the transaction of the change that needs it, where there is one).
pub async fn enqueue(conn: &impl ConnectionTrait, j: NewJob, now: DateTime<Utc>) -> Result<Uuid, Error> {
    let id = Uuid::now_v7();
    insert(conn, id, j, None, None, now).await?;
    Ok(id)
}

/// Enqueues a job under `key` unless a live (queued or running) job holds the key already;
/// returns the new job's id, or the live one's. `event_id` names the outbox event a consumer
/// job delivers.
pub async fn enqueue_keyed(
    conn: &impl ConnectionTrait,
    j: NewJob,
    key: &str,
    event_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, Error> {
    // Twice at most: the live job the insert collided with may finish before we look it up.
    for _ in 0..2 {
        let id = Uuid::now_v7();
        if insert(conn, id, j.clone(), Some(key), event_id, now).await? {
            return Ok(id);
        }
        if let Some(live) = find_live(conn, key).await? {
            return Ok(live.id);
        }
    }
    Err(Error::internal(format!("job key {key} is contended")))
}

/// Inserts a job; `false` when a live job holds `key` already (then nothing is written).
async fn insert(
    conn: &impl ConnectionTrait,
    id: Uuid,
    j: NewJob,
    key: Option<&str>,
    event_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let model = job::ActiveModel {
        id: Set(id),
        tenant_id: Set(j.tenant_id),
        queue: Set(j.queue),
        kind: Set(j.kind),
        payload: Set(j.payload),
        status: Set(status::QUEUED.to_owned()),
        run_at: Set(j.run_at),
        attempts: Set(0),
        max_attempts: Set(Ord::max(j.max_attempts, 1)),
        last_error: Set(None),
        locked_by: Set(None),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        dedupe_key: Set(key.map(str::to_owned)),
        event_id: Set(event_id),
    };
    // No conflict target: the only unique key a fresh id can collide on is the partial index
    // over live jobs' keys, which PostgreSQL would otherwise need spelled out with its WHERE.
    let inserted = job::Entity::insert(model)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(conn)
        .await
        .map_err(db_err)?;
    Ok(inserted == 1)
}

fn live() -> sea_orm::sea_query::SimpleExpr {
    job::Column::Status.is_in([status::QUEUED, status::RUNNING])
}

/// The live (queued or running) job holding `key`.
pub async fn find_live(conn: &impl ConnectionTrait, key: &str) -> Result<Option<job::Model>, Error> {
    job::Entity::find()
        .filter(job::Column::DedupeKey.eq(key))
        .filter(live())
        .one(conn)
        .await
        .map_err(db_err)
}

/// Cancels the queued job holding `key` (of `tenant` only, when given); a running job is in
/// a worker's hands and finishes. Whether a job was cancelled.
pub async fn cancel_by_key(
    conn: &impl ConnectionTrait,
    key: &str,
    tenant: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut q = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status::CANCELLED))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::DedupeKey.eq(key))
        .filter(job::Column::Status.eq(status::QUEUED));
    if let Some(t) = tenant {
        q = q.filter(job::Column::TenantId.eq(t));
    }
    Ok(q.exec(conn).await.map_err(db_err)?.rows_affected > 0)
}

/// Moves the queued job holding `key` (of `tenant` only, when given) to `run_at`. Whether a
/// job was moved.
pub async fn reschedule_by_key(
    conn: &impl ConnectionTrait,
    key: &str,
    run_at: DateTime<Utc>,
    tenant: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut q = job::Entity::update_many()
        .col_expr(job::Column::RunAt, Expr::value(run_at))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::DedupeKey.eq(key))
        .filter(job::Column::Status.eq(status::QUEUED));
    if let Some(t) = tenant {
        q = q.filter(job::Column::TenantId.eq(t));
    }
    Ok(q.exec(conn).await.map_err(db_err)?.rows_affected > 0)
}

/// Puts a recurring job that `worker` just ran back in the queue for `run_at`, its attempts
/// reset: the same row, so its key stays live and it is never queued twice.
pub async fn requeue(
    conn: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let q = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status::QUEUED))
        .col_expr(job::Column::RunAt, Expr::value(run_at))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    let res = owned_by(q, id, worker).exec(conn).await.map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// Deletes finished jobs (done, dead or cancelled) last touched before `before`.
pub async fn purge_finished(conn: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, Error> {
    let res = job::Entity::delete_many()
        .filter(job::Column::Status.is_in([status::DONE, status::DEAD, status::CANCELLED]))
        .filter(job::Column::UpdatedAt.lt(before))
        .exec(conn)
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected)
}

/// Claims up to `limit` due jobs of `queue` (and expired leases) for `worker` until `lease_until`.
pub async fn claim(
    conn: &impl ConnectionTrait,
    queue: &str,
    worker: &str,
    limit: u64,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>, Error> {
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(stmt(
            backend,
            claim_jobs_sql(backend),
            vec![
                worker.into(),
                lease_until.into(),
                now.into(),
                queue.into(),
                (limit as i64).into(),
            ],
        ))
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|r| job::Model::from_query_result(r, "").map_err(db_err))
        .collect()
}

fn owned_by(q: sea_orm::UpdateMany<job::Entity>, id: Uuid, worker: &str) -> sea_orm::UpdateMany<job::Entity> {
    q.filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq(status::RUNNING))
        .filter(job::Column::LockedBy.eq(worker))
}

/// Marks a job done, if `worker` still holds it.
pub async fn complete(conn: &impl ConnectionTrait, id: Uuid, worker: &str, now: DateTime<Utc>) -> Result<bool, Error> {
    let q = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status::DONE))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    let res = owned_by(q, id, worker).exec(conn).await.map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// Records a failed attempt: back to the queue at `retry_at`, or dead when `retry_at` is none.
pub async fn fail(
    conn: &impl ConnectionTrait,
    id: Uuid,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut q = job::Entity::update_many()
        .col_expr(
            job::Column::LastError,
            Expr::value(crate::repo::audit::truncate(error.to_owned(), 4000)),
        )
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    q = match retry_at {
        Some(at) => q
            .col_expr(job::Column::Status, Expr::value(status::QUEUED))
            .col_expr(job::Column::RunAt, Expr::value(at)),
        None => q.col_expr(job::Column::Status, Expr::value(status::DEAD)),
    };
    let res = owned_by(q, id, worker).exec(conn).await.map_err(db_err)?;
    Ok(res.rows_affected == 1)
}

/// Gives claimed jobs back untouched (graceful shutdown): queued again, the attempt not counted.
pub async fn release(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    worker: &str,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let res = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status::QUEUED))
        .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).sub(1))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.is_in(ids.to_vec()))
        .filter(job::Column::Status.eq(status::RUNNING))
        .filter(job::Column::LockedBy.eq(worker))
        .exec(conn)
        .await
        .map_err(db_err)?;
    Ok(res.rows_affected)
}

/// The job with `id`.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<job::Model>, Error> {
    job::Entity::find_by_id(id).one(conn).await.map_err(db_err)
}

/// Job counts by queue and status.
pub async fn counts(conn: &impl ConnectionTrait) -> Result<Vec<(String, String, i64)>, Error> {
    job::Entity::find()
        .select_only()
        .column(job::Column::Queue)
        .column(job::Column::Status)
        .column_as(Expr::col(job::Column::Id).count(), "n")
        .group_by(job::Column::Queue)
        .group_by(job::Column::Status)
        .into_tuple()
        .all(conn)
        .await
        .map_err(db_err)
}
