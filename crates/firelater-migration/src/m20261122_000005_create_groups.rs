//! Groups and team hierarchies: `groups` (a tree through `parent_id`), their members with a
//! member or lead role, and the roles a group holds for all its members.

use crate::common::{enable_rls, index, tenant_fk, tenant_table};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            tenant_table("groups")
                .col(string_len("name", 255))
                .col(text_null("description"))
                .col(string_len("type", 50).default("team"))
                .col(uuid_null("parent_id"))
                .col(uuid_null("manager_id"))
                .col(string_len_null("email", 255))
                .col(json_binary("settings"))
                .foreign_key(&mut fk(
                    "fk_groups_parent",
                    ("groups", "parent_id"),
                    ("groups", "id"),
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_groups_manager",
                    ("groups", "manager_id"),
                    ("users", "id"),
                    ForeignKeyAction::SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("groups", &["tenant_id", "name"], true)).await?;
        m.create_index(index("groups", &["tenant_id", "parent_id"], false))
            .await?;
        m.create_index(index("groups", &["tenant_id", "type"], false)).await?;

        m.create_table(
            Table::create()
                .table("group_members")
                .if_not_exists()
                .col(uuid("tenant_id"))
                .col(uuid("group_id"))
                .col(uuid("user_id"))
                .col(string_len("role", 50).default("member"))
                .col(timestamp_with_time_zone("joined_at"))
                .primary_key(Index::create().col("group_id").col("user_id"))
                .foreign_key(&mut tenant_fk("group_members"))
                .foreign_key(&mut fk(
                    "fk_group_members_group",
                    ("group_members", "group_id"),
                    ("groups", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_group_members_user",
                    ("group_members", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("group_members", &["tenant_id", "user_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("group_roles")
                .if_not_exists()
                .col(uuid("tenant_id"))
                .col(uuid("group_id"))
                .col(uuid("role_id"))
                .col(uuid_null("granted_by"))
                .col(timestamp_with_time_zone("granted_at"))
                .primary_key(Index::create().col("group_id").col("role_id"))
                .foreign_key(&mut tenant_fk("group_roles"))
                .foreign_key(&mut fk(
                    "fk_group_roles_group",
                    ("group_roles", "group_id"),
                    ("groups", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_group_roles_role",
                    ("group_roles", "role_id"),
                    ("roles", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("group_roles", &["tenant_id", "role_id"], false))
            .await?;

        enable_rls(m, &["groups", "group_members", "group_roles"]).await
    }
}
