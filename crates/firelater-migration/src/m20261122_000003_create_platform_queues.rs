//! Number counters, the outbox, the jobs table, idempotency keys and the audit log.

use crate::common::{index, tenant_fk};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("id_sequences")
                .if_not_exists()
                .col(uuid("tenant_id"))
                .col(string_len("entity_type", 50))
                .col(string_len("prefix", 10))
                .col(big_integer("current_value").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("tenant_id").col("entity_type"))
                .foreign_key(&mut tenant_fk("id_sequences"))
                .take(),
        )
        .await?;

        // The outbox and the jobs table are the instance's own queues: workers read them across
        // tenants, so they carry tenant_id for routing but have no row-level security.
        m.create_table(
            Table::create()
                .table("outbox_events")
                .if_not_exists()
                .col(big_integer("seq").auto_increment().primary_key())
                .col(uuid("id").unique_key())
                .col(uuid_null("tenant_id"))
                .col(string_len("event_type", 100))
                .col(string_len("entity_type", 50))
                .col(uuid_null("entity_id"))
                .col(json_binary("payload"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(timestamp_with_time_zone_null("published_at"))
                .take(),
        )
        .await?;
        m.create_index(index("outbox_events", &["published_at", "seq"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("jobs")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid_null("tenant_id"))
                .col(string_len("queue", 50))
                .col(string_len("kind", 100))
                .col(json_binary("payload"))
                .col(string_len("status", 20))
                .col(timestamp_with_time_zone("run_at"))
                .col(integer("attempts").default(0))
                .col(integer("max_attempts"))
                .col(text_null("last_error"))
                .col(string_len_null("locked_by", 100))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index("jobs", &["queue", "status", "run_at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .if_not_exists()
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string_len("key", 255))
                .col(string_len("method", 10))
                .col(string_len("path", 1024))
                .col(string_len("request_hash", 64))
                .col(integer_null("response_status"))
                .col(text_null("response_body"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("tenant_id").col("user_id").col("key"))
                .foreign_key(&mut tenant_fk("idempotency_keys"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_logs")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("tenant_id"))
                .col(uuid_null("actor_id"))
                .col(string_len("actor_type", 20))
                .col(string_len("action", 100))
                .col(string_len("entity_type", 50))
                .col(uuid_null("entity_id"))
                .col(json_binary_null("changes"))
                .col(string_len_null("ip", 64))
                .col(string_len_null("user_agent", 512))
                .col(string_len_null("request_id", 64))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut tenant_fk("audit_logs"))
                .take(),
        )
        .await?;
        m.create_index(index("audit_logs", &["tenant_id", "entity_type", "entity_id"], false))
            .await?;
        m.create_index(index("audit_logs", &["tenant_id", "created_at"], false))
            .await
    }
}
