//! Roles and permissions: the four system roles every tenant starts with, custom roles, and
//! who holds which. A user's effective permissions are the union over their roles.

use crate::Services;
use crate::ctx::Ctx;
use crate::grants::is_admin_role;
use crate::record::{self, Change};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{Event, RoleData, UserRolesData};
use firelater_core::grant::Conferral;
use firelater_core::ids::{RoleId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::roles::Role;
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::repo::{roles, users};
use serde_json::json;

/// What `GET /roles` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["name", "created_at"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[FilterSpec {
        param: "is_system",
        column: "is_system",
        kind: FilterKind::Bool,
        description: "Only system roles (`true`) or only custom ones (`false`).",
    }],
    fields: &[
        "id",
        "name",
        "display_name",
        "description",
        "is_system",
        "permissions",
        "version",
    ],
    includes: &[],
    searchable: false,
};

/// A role with its permission keys.
#[derive(Debug, Clone)]
pub struct RoleView {
    /// The role.
    pub role: Role,
    /// Its permissions, as `resource:action`, sorted.
    pub permissions: Vec<String>,
}

/// A custom role to create.
#[derive(Debug, Clone)]
pub struct NewRole {
    /// Unique name: lower-case letters, digits, `-` and `_`.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: Option<String>,
    /// Permission keys.
    pub permissions: Vec<String>,
}

/// Changes to a role.
#[derive(Debug, Clone)]
pub struct RolePatch {
    /// The version the client read.
    pub version: i32,
    /// New display name.
    pub display_name: Option<String>,
    /// New description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// New permission set.
    pub permissions: Option<Vec<String>>,
}

fn check_permissions(keys: &[String]) -> Result<Vec<String>, Error> {
    let unknown: Vec<&str> = keys
        .iter()
        .filter(|k| k.parse::<Permission>().is_err())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(Error::field(
            "permissions",
            format!("unknown permissions: {}", unknown.join(", ")),
        ));
    }
    let mut keys = keys.to_vec();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

fn role_name(value: &str) -> Result<String, Error> {
    let v = value.trim();
    let ok = (2..=100).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(v.to_owned())
    } else {
        Err(Error::field(
            "name",
            "must be 2 to 100 lower-case letters, digits, - or _",
        ))
    }
}

fn role_data(r: &Role, permissions: &[String]) -> RoleData {
    RoleData {
        id: r.id.0,
        name: r.name.clone(),
        display_name: r.display_name.clone(),
        permissions: permissions.to_vec(),
    }
}

impl Services {
    /// Every permission there is (needs `roles:read`).
    pub fn list_permissions(&self, ctx: &Ctx) -> Result<Vec<Permission>, Error> {
        ctx.require(Permission::RolesRead)?;
        Ok(Permission::ALL.to_vec())
    }

    /// Lists roles with their permissions (needs `roles:read`).
    pub async fn list_roles(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<RoleView>, Error> {
        ctx.require(Permission::RolesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = roles::list(&tx, params).await?;
        let ids: Vec<RoleId> = page.items.iter().map(|r| r.id).collect();
        let perms = roles::permissions_of_roles(&tx, &ids).await?;
        tx.commit().await?;
        Ok(page.map(|role| {
            let permissions = perms
                .iter()
                .filter(|(id, _)| *id == role.id)
                .map(|(_, k)| k.clone())
                .collect();
            RoleView { role, permissions }
        }))
    }

    /// One role with its permissions (needs `roles:read`).
    pub async fn get_role(&self, ctx: &Ctx, id: RoleId) -> Result<RoleView, Error> {
        ctx.require(Permission::RolesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let role = roles::find(&tx, id).await?.ok_or_else(|| Error::not_found("role"))?;
        let permissions = roles::permissions_of_roles(&tx, &[id])
            .await?
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        tx.commit().await?;
        Ok(RoleView { role, permissions })
    }

    /// Creates a custom role (needs `roles:admin`).
    pub async fn create_role(&self, ctx: &Ctx, input: NewRole) -> Result<RoleView, Error> {
        ctx.require(Permission::RolesAdmin)?;
        let mut v = Validator::new();
        let name = v.check(role_name(&input.name));
        let display_name = v.check(validate::name("display_name", &input.display_name));
        let permissions = v.check(check_permissions(&input.permissions));
        let description = v.check(validate::optional_text(
            "description",
            input.description.as_deref(),
            validate::DESCRIPTION_MAX,
        ));
        v.finish()?;
        let (Some(name), Some(display_name), Some(permissions), Some(description)) =
            (name, display_name, permissions, description)
        else {
            return Err(Error::internal("validated fields missing"));
        };
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        self.check_grant(
            &tx,
            ctx,
            &Conferral::of(permissions.iter().filter_map(|k| k.parse().ok())),
        )
        .await?;
        let role = roles::insert(
            &tx,
            roles::NewRoleRow {
                name,
                display_name,
                description,
            },
            now,
        )
        .await?;
        roles::set_permissions(&tx, role.id, &permissions).await?;
        let diff = Diff::new()
            .created("name", &role.name)
            .created("permissions", &permissions);
        let event = Event::RoleCreated(role_data(&role, &permissions));
        record::change(&tx, ctx, now, Change::event(event).diff(diff)).await?;
        tx.commit().await?;
        Ok(RoleView { role, permissions })
    }

    /// Changes a role (needs `roles:admin`). The `admin` role's permissions are fixed, so a
    /// tenant can never lock itself out.
    pub async fn update_role(&self, ctx: &Ctx, id: RoleId, patch: RolePatch) -> Result<RoleView, Error> {
        ctx.require(Permission::RolesAdmin)?;
        let mut v = Validator::new();
        let display_name = patch
            .display_name
            .as_deref()
            .map(|d| v.check(validate::name("display_name", d)));
        let permissions = patch.permissions.as_deref().map(|p| v.check(check_permissions(p)));
        let description = patch.description.as_ref().map(|d| {
            v.check(validate::optional_text(
                "description",
                d.as_deref(),
                validate::DESCRIPTION_MAX,
            ))
        });
        v.finish()?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        // What this change confers is decided on what it reads: no other access change in between.
        roles::lock_access(&tx).await?;
        let before = self.role_in(&tx, id).await?;
        if before.role.version != patch.version {
            return Err(Error::version_conflict(before.role.version));
        }
        let new_permissions = permissions.flatten();
        if before.role.name == "admin" && new_permissions.as_ref().is_some_and(|p| *p != before.permissions) {
            return Err(Error::field(
                "permissions",
                "the admin role always holds every permission",
            ));
        }
        if let Some(p) = &new_permissions {
            // Widening a role confers the added permissions on everyone who holds it.
            let added = p
                .iter()
                .filter(|k| !before.permissions.contains(k))
                .filter_map(|k| k.parse().ok());
            self.check_grant(&tx, ctx, &Conferral::of(added)).await?;
        }
        let description = description.flatten();
        let role = roles::update(&tx, id, patch.version, display_name.flatten(), description, now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.role.version + 1))?;
        let permissions = match new_permissions {
            Some(p) => {
                roles::set_permissions(&tx, id, &p).await?;
                p
            }
            None => before.permissions.clone(),
        };
        let diff = Diff::new()
            .field("display_name", &before.role.display_name, &role.display_name)
            .field("description", &before.role.description, &role.description)
            .field("permissions", &before.permissions, &permissions);
        if !diff.is_empty() {
            let event = Event::RoleUpdated(role_data(&role, &permissions));
            record::change(&tx, ctx, now, Change::event(event).diff(diff)).await?;
        }
        tx.commit().await?;
        Ok(RoleView { role, permissions })
    }

    /// Deletes a custom role (needs `roles:admin`); system roles cannot be deleted.
    pub async fn delete_role(&self, ctx: &Ctx, id: RoleId) -> Result<(), Error> {
        ctx.require(Permission::RolesAdmin)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = self.role_in(&tx, id).await?;
        if before.role.is_system {
            return Err(Error::new(ErrorCode::RoleIsSystem, "system roles cannot be deleted"));
        }
        roles::delete(&tx, id).await?;
        let changes = json!({"name": {"old": before.role.name, "new": null}, "permissions": {"old": before.permissions, "new": null}});
        let event = Event::RoleDeleted(role_data(&before.role, &[]));
        record::change(&tx, ctx, now, Change::event(event).details(changes)).await?;
        tx.commit().await
    }

    async fn role_in(&self, tx: &firelater_db::TenantTx, id: RoleId) -> Result<RoleView, Error> {
        let role = roles::find(tx, id).await?.ok_or_else(|| Error::not_found("role"))?;
        let permissions = roles::permissions_of_roles(tx, &[id])
            .await?
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        Ok(RoleView { role, permissions })
    }

    /// Replaces the roles a user holds (needs `roles:admin`, and to hold every permission the
    /// added roles carry; only an administrator grants or takes away `admin`). Nobody can take
    /// the admin role from themselves, and the tenant's last active administrator keeps it.
    pub async fn set_user_roles(&self, ctx: &Ctx, user_id: UserId, names: Vec<String>) -> Result<Vec<Role>, Error> {
        ctx.require(Permission::RolesAdmin)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        // What this change confers is decided on what it reads: no other access change in between.
        roles::lock_access(&tx).await?;
        users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let before: Vec<Role> = roles::roles_of_users(&tx, &[user_id])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let mut granted = Vec::new();
        let mut unknown = Vec::new();
        for name in &names {
            match roles::find_by_name(&tx, name).await? {
                Some(r) if !granted.iter().any(|g: &Role| g.id == r.id) => granted.push(r),
                Some(_) => {}
                None => unknown.push(name.as_str()),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::field("roles", format!("no role named {}", unknown.join(", "))));
        }
        let self_demotion =
            ctx.user_id() == Some(user_id) && before.iter().any(is_admin_role) && !granted.iter().any(is_admin_role);
        if self_demotion {
            return Err(Error::field("roles", "you cannot take the admin role from yourself"));
        }
        // What the change confers is every role the user does not hold yet; taking the admin
        // role away is an administrator's act too.
        let added: Vec<Role> = granted
            .iter()
            .filter(|g| !before.iter().any(|b| b.id == g.id))
            .cloned()
            .collect();
        let mut what = self.conferral_of_roles(&tx, &added).await?;
        what.admin |= before.iter().any(is_admin_role) && !granted.iter().any(is_admin_role);
        self.check_grant(&tx, ctx, &what).await?;
        roles::revoke_all_of_user(&tx, user_id).await?;
        for r in &granted {
            roles::grant(&tx, user_id, r.id, ctx.user_id(), now).await?;
        }
        self.ensure_an_admin_remains(&tx).await?;
        let mut after: Vec<String> = granted.iter().map(|r| r.name.clone()).collect();
        let mut before_sorted: Vec<String> = before.into_iter().map(|r| r.name).collect();
        before_sorted.sort();
        after.sort();
        let diff = Diff::new().field("roles", &before_sorted, &after);
        if !diff.is_empty() {
            let event = Event::UserRolesChanged(UserRolesData {
                user_id: user_id.0,
                roles: after,
            });
            record::change(&tx, ctx, now, Change::event(event).diff(diff)).await?;
        }
        tx.commit().await?;
        Ok(granted)
    }
}
