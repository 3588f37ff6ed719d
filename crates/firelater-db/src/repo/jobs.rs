//! The durable jobs table: timers and background work with `run_at`, attempts, a lease and a
//! dead letter. Claiming sets a lease; a worker that dies leaves the lease to expire, and the
//! job is claimed again.

use crate::db_err;
use crate::dialect::{claim_jobs_sql, stmt};
use crate::entities::job;
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set,
};
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
    job::ActiveModel {
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
    }
    .insert(conn)
    .await
    .map_err(db_err)?;
    Ok(id)
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
