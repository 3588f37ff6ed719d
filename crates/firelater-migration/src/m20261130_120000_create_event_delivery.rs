//! Durable event delivery and keyed jobs (ADR 0013). Jobs gain a `dedupe_key`, unique among
//! live (queued or running) jobs only, so a timer's key can be enqueued again once its last
//! job finished; and an `event_id`, naming the outbox event a consumer job delivers, so
//! retention keeps an event while any of its deliveries is live. `event_receipts` records
//! each consumer's completion of each event, written in the transaction of the consumer's own
//! effects: the proof that it ran to completion once. `event_ledger` is a diagnostic: the
//! `diagnostics.event_ledger` consumer, on only with `FIRELATER_EVENT_LEDGER=1`, counts its
//! completions per event there for the crash tests. All three are instance-level tables;
//! `m20261130_000001`'s default privileges give `firelater_app` its rights on them.

use crate::common::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER option per statement (SQLite).
        if !m.has_column("jobs", "dedupe_key").await? {
            m.alter_table(
                Table::alter()
                    .table("jobs")
                    .add_column(string_len_null("dedupe_key", 255))
                    .take(),
            )
            .await?;
        }
        if !m.has_column("jobs", "event_id").await? {
            m.alter_table(Table::alter().table("jobs").add_column(uuid_null("event_id")).take())
                .await?;
        }
        // A partial unique index: the same statement on SQLite and PostgreSQL, and the schema
        // builder has no WHERE for indexes.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS uq_jobs_dedupe_key_live ON jobs (dedupe_key)
                 WHERE status IN ('queued', 'running')",
            )
            .await?;
        m.create_index(index("jobs", &["event_id"], false)).await?;
        m.create_index(index("jobs", &["status", "updated_at"], false)).await?;

        m.create_table(
            Table::create()
                .table("event_receipts")
                .if_not_exists()
                .col(string_len("consumer", 100))
                .col(uuid("event_id"))
                .col(big_integer("event_seq"))
                .col(uuid_null("job_id"))
                .col(timestamp_with_time_zone("completed_at"))
                .primary_key(Index::create().col("consumer").col("event_id"))
                .take(),
        )
        .await?;
        m.create_index(index("event_receipts", &["event_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("event_ledger")
                .if_not_exists()
                .col(uuid("event_id").primary_key())
                .col(big_integer("event_seq"))
                .col(string_len("event_type", 100))
                .col(integer("completions"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        Ok(())
    }
}
