//! Groups and team hierarchies: teams, departments and distribution lists, each with an
//! optional parent (the groups form a forest: a group is never its own ancestor), a manager,
//! members who are `member` or `lead`, and roles the group holds for all its direct members.
//! Every change is audited with its field diff and announced on the outbox.

use crate::Services;
use crate::ctx::Ctx;
use crate::grants::is_admin_role;
use crate::record::{self, Change};
use chrono::{DateTime, Utc};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{Event, GroupData, GroupMemberData, GroupRolesData};
use firelater_core::grant::Conferral;
use firelater_core::groups::{Group, GroupType, MemberRole, Membership};
use firelater_core::ids::{GroupId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::roles::Role;
use firelater_core::users::User;
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::{groups, roles, users};
use serde_json::{Value, json};

/// The longest description accepted, in characters.
pub const MAX_DESCRIPTION: usize = validate::DESCRIPTION_MAX;

/// The largest `settings` object accepted, in bytes of JSON.
pub const MAX_SETTINGS_BYTES: usize = 16 * 1024;

/// What `GET /groups` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["name", "created_at", "updated_at", "type"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "type",
            column: "type",
            kind: FilterKind::Enum(GroupType::NAMES),
            description: "Groups of these kinds.",
        },
        FilterSpec {
            param: "parent_id",
            column: "parent_id",
            kind: FilterKind::Uuid,
            description: "Only the direct sub-groups of this group.",
        },
        FilterSpec {
            param: "manager_id",
            column: "manager_id",
            kind: FilterKind::Uuid,
            description: "Only groups managed by this user.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "name",
        "description",
        "type",
        "parent_id",
        "manager_id",
        "email",
        "settings",
        "version",
        "created_at",
        "updated_at",
        "members",
    ],
    includes: &["members"],
    searchable: true,
};

/// What `GET /groups/{id}/members` accepts.
pub const MEMBER_LIST: ListSpec = ListSpec {
    sortable: &["joined_at", "role"],
    default_sort: "joined_at",
    default_order: Order::Asc,
    filters: &[FilterSpec {
        param: "role",
        column: "role",
        kind: FilterKind::Enum(MemberRole::NAMES),
        description: "Members with these roles in the group.",
    }],
    fields: &["user_id", "name", "email", "status", "role", "joined_at"],
    includes: &[],
    searchable: false,
};

/// What `GET /users/{id}/groups` accepts.
pub const USER_GROUP_LIST: ListSpec = ListSpec {
    sortable: &["name", "created_at", "type"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[FilterSpec {
        param: "type",
        column: "type",
        kind: FilterKind::Enum(GroupType::NAMES),
        description: "Groups of these kinds.",
    }],
    fields: &["id", "name", "description", "type", "parent_id", "role", "joined_at"],
    includes: &[],
    searchable: true,
};

/// A group to create.
#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    /// Name, unique in the tenant.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The kind; `team` when absent.
    pub kind: Option<GroupType>,
    /// The parent group.
    pub parent_id: Option<GroupId>,
    /// The managing user.
    pub manager_id: Option<UserId>,
    /// The group's mailbox.
    pub email: Option<String>,
    /// A settings object; `{}` when absent.
    pub settings: Option<Value>,
}

/// Changes to a group; absent fields stay as they are, `Some(None)` clears a field.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New type.
    pub kind: Option<GroupType>,
    /// New parent; it must not be the group itself or one of its sub-groups.
    pub parent_id: Option<Option<GroupId>>,
    /// New manager.
    pub manager_id: Option<Option<UserId>>,
    /// New mailbox.
    pub email: Option<Option<String>>,
    /// New settings object, replacing the old one.
    pub settings: Option<Value>,
}

/// A member of a group.
#[derive(Debug, Clone)]
pub struct GroupMember {
    /// The user.
    pub user: User,
    /// Their role in the group.
    pub role: MemberRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// A group with the relations asked for.
#[derive(Debug, Clone)]
pub struct GroupView {
    /// The group.
    pub group: Group,
    /// Its direct members, with `include=members`.
    pub members: Option<Vec<GroupMember>>,
    /// The roles it holds, with `include=roles`.
    pub roles: Option<Vec<Role>>,
}

impl GroupView {
    /// A group without its relations.
    pub fn of(group: Group) -> Self {
        Self {
            group,
            members: None,
            roles: None,
        }
    }
}

/// A group one user belongs to, with their role in it.
#[derive(Debug, Clone)]
pub struct UserGroup {
    /// The group.
    pub group: Group,
    /// The user's role in it.
    pub role: MemberRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

fn event_data(g: &Group) -> GroupData {
    GroupData {
        id: g.id.0,
        name: g.name.clone(),
        kind: g.kind.as_str().to_owned(),
        parent_id: g.parent_id.map(|p| p.0),
        manager_id: g.manager_id.map(|m| m.0),
    }
}

fn member_of(row: groups::MemberRow) -> GroupMember {
    GroupMember {
        role: row.member.role,
        joined_at: row.member.joined_at,
        user: row.user,
    }
}

/// A membership as events describe it.
fn member_data(m: &Membership) -> GroupMemberData {
    GroupMemberData {
        group_id: m.group_id.0,
        user_id: m.user_id.0,
        role: m.role.as_str().to_owned(),
    }
}

/// A membership as the audit log records it.
fn member_json(m: &Membership) -> Value {
    json!({"user_id": m.user_id, "role": m.role})
}

/// Takes the tenant's access lock (what a change confers is decided on what it reads: no
/// other access change in between), then finds the group: 404 when there is none.
async fn lock_access_to(tx: &TenantTx, group_id: GroupId) -> Result<(), Error> {
    roles::lock_access(tx).await?;
    match groups::find(tx, group_id).await? {
        Some(_) => Ok(()),
        None => Err(Error::not_found("group")),
    }
}

/// Trims an optional free text; blank means none.
fn description(v: &mut Validator, value: Option<&str>) -> Option<Option<String>> {
    v.check(validate::optional_text("description", value, MAX_DESCRIPTION))
}

fn group_email(v: &mut Validator, value: Option<&str>) -> Option<Option<String>> {
    match value {
        None => Some(None),
        Some(e) => v.check(validate::email("email", e)).map(Some),
    }
}

fn settings(v: &mut Validator, value: Value) -> Option<Value> {
    if !value.is_object() {
        v.add("settings", "must be a JSON object");
        return None;
    }
    if value.to_string().len() > MAX_SETTINGS_BYTES {
        v.add(
            "settings",
            format!("must be at most {MAX_SETTINGS_BYTES} bytes of JSON"),
        );
        return None;
    }
    Some(value)
}

/// Checks that `manager_id` is a user of the tenant.
async fn check_manager(tx: &TenantTx, v: &mut Validator, manager_id: Option<UserId>) -> Result<(), Error> {
    if let Some(m) = manager_id
        && users::find(tx, m).await?.is_none()
    {
        v.add("manager_id", "no user with this id");
    }
    Ok(())
}

/// Checks that `parent_id` is a group of the tenant and, for an existing group `id`, that it
/// is neither the group itself nor below it.
async fn check_parent(
    tx: &TenantTx,
    v: &mut Validator,
    id: Option<GroupId>,
    parent_id: Option<GroupId>,
) -> Result<(), Error> {
    let Some(parent) = parent_id else {
        return Ok(());
    };
    if id == Some(parent) {
        v.add("parent_id", "a group cannot be its own parent");
        return Ok(());
    }
    if groups::find(tx, parent).await?.is_none() {
        v.add("parent_id", "no group with this id");
        return Ok(());
    }
    if let Some(id) = id
        && groups::ancestor_ids(tx, parent).await?.contains(&id)
    {
        v.add(
            "parent_id",
            "the parent is a sub-group of this group; a group cannot be its own ancestor",
        );
    }
    Ok(())
}

impl Services {
    /// Creates a group (needs `groups:create`).
    pub async fn create_group(&self, ctx: &Ctx, input: NewGroup) -> Result<GroupView, Error> {
        ctx.require(Permission::GroupsCreate)?;
        let mut v = Validator::new();
        let name = v.check(validate::name("name", &input.name));
        let description = description(&mut v, input.description.as_deref());
        let kind = Some(input.kind.unwrap_or(GroupType::Team));
        let email = group_email(&mut v, input.email.as_deref());
        let settings = settings(&mut v, input.settings.unwrap_or_else(|| json!({})));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        check_parent(&tx, &mut v, None, input.parent_id).await?;
        check_manager(&tx, &mut v, input.manager_id).await?;
        v.finish()?;
        let (Some(name), Some(description), Some(kind), Some(email), Some(settings)) =
            (name, description, kind, email, settings)
        else {
            return Err(Error::internal("validated fields missing"));
        };
        let g = groups::insert(
            &tx,
            groups::NewGroupRow {
                id: GroupId::new(),
                name,
                description,
                kind,
                parent_id: input.parent_id,
                manager_id: input.manager_id,
                email,
                settings,
            },
            now,
        )
        .await?;
        let mut diff = Diff::new()
            .created("name", &g.name)
            .created("type", &g.kind)
            .created("parent_id", &g.parent_id)
            .created("manager_id", &g.manager_id)
            .created("email", &g.email);
        if g.description.is_some() {
            diff = diff.created("description", &g.description);
        }
        if g.settings != json!({}) {
            diff = diff.created("settings", &g.settings);
        }
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::GroupCreated(event_data(&g))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(GroupView::of(g))
    }

    /// Lists groups (needs `groups:read`); `include=members` embeds each group's members.
    pub async fn list_groups(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<GroupView>, Error> {
        ctx.require(Permission::GroupsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = groups::list(&tx, params).await?;
        let with_members = params.includes("members") || params.fields.as_ref().is_some_and(|f| f.contains(&"members"));
        let mut members = if with_members {
            let ids: Vec<GroupId> = page.items.iter().map(|g| g.id).collect();
            groups::members_of_groups(&tx, &ids).await?
        } else {
            Vec::new()
        };
        tx.commit().await?;
        Ok(page.map(|g| {
            let members = with_members.then(|| {
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut members)
                    .into_iter()
                    .partition(|m| m.member.group_id == g.id);
                members = rest;
                mine.into_iter().map(member_of).collect()
            });
            GroupView {
                group: g,
                members,
                roles: None,
            }
        }))
    }

    /// One group (needs `groups:read`), with its members and roles when asked for.
    pub async fn get_group(
        &self,
        ctx: &Ctx,
        id: GroupId,
        with_members: bool,
        with_roles: bool,
    ) -> Result<GroupView, Error> {
        ctx.require(Permission::GroupsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let group = groups::find(&tx, id).await?.ok_or_else(|| Error::not_found("group"))?;
        let members = if with_members {
            Some(
                groups::members_of_groups(&tx, &[id])
                    .await?
                    .into_iter()
                    .map(member_of)
                    .collect(),
            )
        } else {
            None
        };
        let roles = if with_roles {
            Some(groups::roles_of_group(&tx, id).await?)
        } else {
            None
        };
        tx.commit().await?;
        Ok(GroupView { group, members, roles })
    }

    /// Changes a group (needs `groups:update`); a stale `version` is a 409, a parent that
    /// would make the group its own ancestor a 422 on `parent_id`.
    pub async fn update_group(&self, ctx: &Ctx, id: GroupId, patch: GroupPatch) -> Result<GroupView, Error> {
        ctx.require(Permission::GroupsUpdate)?;
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| v.check(validate::name("name", n)));
        let desc = patch.description.as_ref().map(|d| description(&mut v, d.as_deref()));
        let email = patch.email.as_ref().map(|e| group_email(&mut v, e.as_deref()));
        let settings = patch.settings.clone().map(|s| settings(&mut v, s));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        if patch.parent_id.is_some() {
            groups::lock_hierarchy(&tx).await?;
        }
        let before = groups::find(&tx, id).await?.ok_or_else(|| Error::not_found("group"))?;
        if let Some(Some(parent)) = patch.parent_id
            && before.parent_id != Some(parent)
        {
            check_parent(&tx, &mut v, Some(id), Some(parent)).await?;
        }
        if let Some(Some(manager)) = patch.manager_id
            && before.manager_id != Some(manager)
        {
            check_manager(&tx, &mut v, Some(manager)).await?;
        }
        v.finish()?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let name = name.flatten().unwrap_or_else(|| before.name.clone());
        let desc = desc.flatten().unwrap_or_else(|| before.description.clone());
        let kind = patch.kind.unwrap_or(before.kind);
        let parent_id = patch.parent_id.unwrap_or(before.parent_id);
        let manager_id = patch.manager_id.unwrap_or(before.manager_id);
        let email = email.flatten().unwrap_or_else(|| before.email.clone());
        let settings = settings.flatten().unwrap_or_else(|| before.settings.clone());
        let diff = Diff::new()
            .field("name", &before.name, &name)
            .field("description", &before.description, &desc)
            .field("type", &before.kind, &kind)
            .field("parent_id", &before.parent_id, &parent_id)
            .field("manager_id", &before.manager_id, &manager_id)
            .field("email", &before.email, &email)
            .field("settings", &before.settings, &settings);
        if diff.is_empty() {
            tx.commit().await?;
            return Ok(GroupView::of(before));
        }
        let changes = groups::GroupChanges {
            name: (name != before.name).then_some(name),
            description: (desc != before.description).then_some(desc),
            kind: (kind != before.kind).then_some(kind),
            parent_id: (parent_id != before.parent_id).then_some(parent_id),
            manager_id: (manager_id != before.manager_id).then_some(manager_id),
            email: (email != before.email).then_some(email),
            settings: (settings != before.settings).then_some(settings),
        };
        let after = groups::update(&tx, id, Some(patch.version), changes, now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::GroupUpdated(event_data(&after))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(GroupView::of(after))
    }

    /// Deletes a group (needs `groups:delete`). Its memberships and role grants go with it;
    /// its sub-groups become top-level groups, each change audited as an update.
    pub async fn delete_group(&self, ctx: &Ctx, id: GroupId) -> Result<(), Error> {
        ctx.require(Permission::GroupsDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        groups::lock_hierarchy(&tx).await?;
        let g = groups::find(&tx, id).await?.ok_or_else(|| Error::not_found("group"))?;
        // Deleting a group takes its roles from its members: with the admin role among them,
        // only an administrator may, and never from the last one.
        let takes_admin = self.check_taking_group_roles(&tx, ctx, id).await?;
        for child in groups::children(&tx, id).await? {
            let changes = groups::GroupChanges {
                parent_id: Some(None),
                ..Default::default()
            };
            let after = groups::update(&tx, child.id, None, changes, now)
                .await?
                .ok_or_else(|| Error::internal("sub-group vanished inside its transaction"))?;
            let diff = Diff::new().field("parent_id", &child.parent_id, &after.parent_id);
            record::change(
                &tx,
                ctx,
                now,
                Change::event(Event::GroupUpdated(event_data(&after))).diff(diff),
            )
            .await?;
        }
        let member_ids: Vec<UserId> = groups::members_of_groups(&tx, &[id])
            .await?
            .into_iter()
            .map(|m| m.member.user_id)
            .collect();
        if !groups::delete(&tx, id).await? {
            return Err(Error::not_found("group"));
        }
        if takes_admin {
            self.ensure_an_admin_remains(&tx).await?;
        }
        let diff = Diff::new()
            .field("name", &Some(g.name.clone()), &None)
            .field("type", &Some(g.kind), &None)
            .field("parent_id", &g.parent_id, &None)
            .field("manager_id", &g.manager_id, &None)
            .field("members", &Some(member_ids), &None);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::GroupDeleted(event_data(&g))).diff(diff),
        )
        .await?;
        tx.commit().await
    }

    /// One page of a group's direct members (needs `groups:read`).
    pub async fn list_group_members(
        &self,
        ctx: &Ctx,
        group_id: GroupId,
        params: &ListParams,
    ) -> Result<Page<GroupMember>, Error> {
        ctx.require(Permission::GroupsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        if groups::find(&tx, group_id).await?.is_none() {
            return Err(Error::not_found("group"));
        }
        let page = groups::list_members(&tx, group_id, params).await?;
        tx.commit().await?;
        Ok(page.map(member_of))
    }

    /// Adds a user of the tenant to a group as `member` or `lead` (needs `groups:update`);
    /// an unknown user is a 422 on `user_id`, a second membership a 409.
    pub async fn add_group_member(
        &self,
        ctx: &Ctx,
        group_id: GroupId,
        user_id: UserId,
        role: Option<MemberRole>,
    ) -> Result<GroupMember, Error> {
        ctx.require(Permission::GroupsUpdate)?;
        let role = role.unwrap_or(MemberRole::Member);
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        lock_access_to(&tx, group_id).await?;
        let user = users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::field("user_id", "no user with this id"))?;
        // A member holds the group's roles, so adding one is a grant of them.
        let held = groups::roles_of_group(&tx, group_id).await?;
        self.check_grant_roles(&tx, ctx, &held).await?;
        if groups::find_member(&tx, group_id, user_id).await?.is_some() {
            let mut e = Error::field("user_id", "the user is already a member of this group");
            e.code = ErrorCode::AlreadyExists;
            e.detail = "the user is already a member of this group".to_owned();
            return Err(e);
        }
        let m = groups::add_member(&tx, group_id, user_id, role, now).await?;
        let diff = Diff::new().created("member", &member_json(&m));
        let change = Change::event(Event::GroupMemberAdded(member_data(&m))).diff(diff);
        record::change(&tx, ctx, now, change).await?;
        tx.commit().await?;
        Ok(GroupMember {
            user,
            role: m.role,
            joined_at: m.joined_at,
        })
    }

    /// Changes a member's role in a group to `member` or `lead` (needs `groups:update`); 404
    /// when the user is not a member. The same role again changes nothing and records nothing.
    pub async fn update_group_member(
        &self,
        ctx: &Ctx,
        group_id: GroupId,
        user_id: UserId,
        role: MemberRole,
    ) -> Result<GroupMember, Error> {
        ctx.require(Permission::GroupsUpdate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        lock_access_to(&tx, group_id).await?;
        let before = groups::find_member(&tx, group_id, user_id)
            .await?
            .ok_or_else(|| Error::not_found("group member"))?;
        let user = users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("group member"))?;
        if before.role == role {
            tx.commit().await?;
            return Ok(GroupMember {
                user,
                role: before.role,
                joined_at: before.joined_at,
            });
        }
        let after = groups::set_member_role(&tx, group_id, user_id, role)
            .await?
            .ok_or_else(|| Error::not_found("group member"))?;
        let diff = Diff::new().field("member", &member_json(&before), &member_json(&after));
        let change = Change::event(Event::GroupMemberUpdated(member_data(&after))).diff(diff);
        record::change(&tx, ctx, now, change).await?;
        tx.commit().await?;
        Ok(GroupMember {
            user,
            role: after.role,
            joined_at: after.joined_at,
        })
    }

    /// Removes a user from a group (needs `groups:update`); 404 when they are not a member.
    pub async fn remove_group_member(&self, ctx: &Ctx, group_id: GroupId, user_id: UserId) -> Result<(), Error> {
        ctx.require(Permission::GroupsUpdate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        lock_access_to(&tx, group_id).await?;
        let m = groups::find_member(&tx, group_id, user_id)
            .await?
            .ok_or_else(|| Error::not_found("group member"))?;
        let takes_admin = self.check_taking_group_roles(&tx, ctx, group_id).await?;
        if !groups::remove_member(&tx, group_id, user_id).await? {
            return Err(Error::not_found("group member"));
        }
        if takes_admin {
            self.ensure_an_admin_remains(&tx).await?;
        }
        let diff = Diff::new().field("member", &Some(member_json(&m)), &None);
        let change = Change::event(Event::GroupMemberRemoved(member_data(&m))).diff(diff);
        record::change(&tx, ctx, now, change).await?;
        tx.commit().await
    }

    /// The groups a user is a direct member of (needs `users:read`, or to be that user).
    pub async fn user_groups(&self, ctx: &Ctx, user_id: UserId, params: &ListParams) -> Result<Page<UserGroup>, Error> {
        if ctx.user_id() != Some(user_id) {
            ctx.require(Permission::UsersRead)?;
        }
        let tx = self.db.tenant_read(ctx.tenant).await?;
        if users::find(&tx, user_id).await?.is_none() {
            return Err(Error::not_found("user"));
        }
        let page = groups::groups_of_user(&tx, user_id, params).await?;
        tx.commit().await?;
        Ok(page.map(|m| UserGroup {
            group: m.group,
            role: m.role,
            joined_at: m.joined_at,
        }))
    }

    /// Before an act that takes a group's roles from members (removing one, deleting the
    /// group): when the group holds the admin role, only an administrator may. Returns whether
    /// it does, so the caller checks an administrator remains once the act is written.
    async fn check_taking_group_roles(&self, tx: &TenantTx, ctx: &Ctx, group_id: GroupId) -> Result<bool, Error> {
        let takes_admin = groups::roles_of_group(tx, group_id).await?.iter().any(is_admin_role);
        if takes_admin {
            let what = Conferral {
                admin: true,
                ..Default::default()
            };
            self.check_grant(tx, ctx, &what).await?;
        }
        Ok(takes_admin)
    }

    /// Replaces the set of roles a group holds (needs `roles:admin`). Every direct member
    /// holds the group's roles' permissions from their very next request on.
    pub async fn set_group_roles(
        &self,
        ctx: &Ctx,
        group_id: GroupId,
        role_names: Vec<String>,
    ) -> Result<Vec<Role>, Error> {
        ctx.require(Permission::RolesAdmin)?;
        let mut wanted: Vec<String> = role_names.iter().map(|n| n.trim().to_owned()).collect();
        wanted.sort();
        wanted.dedup();
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        lock_access_to(&tx, group_id).await?;
        let mut found = Vec::with_capacity(wanted.len());
        let mut unknown = Vec::new();
        for name in &wanted {
            match roles::find_by_name(&tx, name).await? {
                Some(r) => found.push(r),
                None => unknown.push(name.as_str()),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::field("roles", format!("no role named {}", unknown.join(", "))));
        }
        let before_roles = groups::roles_of_group(&tx, group_id).await?;
        // Every member receives the added roles; taking `admin` from a group is an
        // administrator's act too.
        let added: Vec<Role> = found
            .iter()
            .filter(|f| !before_roles.iter().any(|b| b.id == f.id))
            .cloned()
            .collect();
        let mut what = self.conferral_of_roles(&tx, &added).await?;
        let takes_admin = before_roles.iter().any(is_admin_role) && !found.iter().any(is_admin_role);
        what.admin |= takes_admin;
        self.check_grant(&tx, ctx, &what).await?;
        let before: Vec<String> = before_roles.into_iter().map(|r| r.name).collect();
        let ids: Vec<_> = found.iter().map(|r| r.id).collect();
        groups::set_roles(&tx, group_id, &ids, ctx.user_id(), now).await?;
        if takes_admin {
            self.ensure_an_admin_remains(&tx).await?;
        }
        let after = groups::roles_of_group(&tx, group_id).await?;
        let after_names: Vec<String> = after.iter().map(|r| r.name.clone()).collect();
        let diff = Diff::new().field("roles", &before, &after_names);
        if !diff.is_empty() {
            let event = Event::GroupRolesChanged(GroupRolesData {
                group_id: group_id.0,
                roles: after_names,
            });
            record::change(&tx, ctx, now, Change::event(event).diff(diff)).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// The users who are members of `group_id` or of any of its sub-groups, at any depth,
    /// each once (needs `groups:read`; jobs call it with a system [`Ctx`]). Approvals and
    /// assignment use it to resolve "the team" to people; inactive users are included, so
    /// callers that hand out work skip them.
    pub async fn group_member_ids_recursive(&self, ctx: &Ctx, group_id: GroupId) -> Result<Vec<UserId>, Error> {
        ctx.require(Permission::GroupsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        if groups::find(&tx, group_id).await?.is_none() {
            return Err(Error::not_found("group"));
        }
        let ids = groups::member_ids_recursive(&tx, group_id).await?;
        tx.commit().await?;
        Ok(ids)
    }
}
