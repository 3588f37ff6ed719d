//! Where the services apply the grant rule of `firelater_core::grant`: what the actor holds,
//! what a set of roles would confer, whether an act on another account could hand it over,
//! and that every change leaves the tenant at least one active administrator.

use crate::Services;
use crate::ctx::{Actor, Ctx};
use firelater_core::grant::{self, Conferral, Grantor, Target};
use firelater_core::ids::UserId;
use firelater_core::roles::Role;
use firelater_core::{Error, ErrorCode, Permission, SystemRole};
use firelater_db::TenantTx;
use firelater_db::repo::roles;
use std::collections::BTreeSet;

/// Whether `r` is the system `admin` role.
pub(crate) fn is_admin_role(r: &Role) -> bool {
    r.is_system && r.name == SystemRole::Admin.name()
}

fn parse_keys(keys: impl IntoIterator<Item = String>) -> BTreeSet<Permission> {
    keys.into_iter().filter_map(|k| k.parse().ok()).collect()
}

impl Services {
    /// Whether the caller holds the admin role (the system always does; an API key never
    /// does, so a key cannot confer or take away administration).
    pub(crate) async fn actor_is_admin(&self, tx: &TenantTx, ctx: &Ctx) -> Result<bool, Error> {
        match ctx.actor {
            Actor::System => Ok(true),
            Actor::ApiKey(_) => Ok(false),
            Actor::User(u) => roles::holds_admin(tx, u).await,
        }
    }

    /// What holding `roles` confers: the union of their permissions, and the admin role when
    /// it is among them.
    pub(crate) async fn conferral_of_roles(&self, tx: &TenantTx, roles: &[Role]) -> Result<Conferral, Error> {
        let ids: Vec<_> = roles.iter().map(|r| r.id).collect();
        let keys = roles::permissions_of_roles(tx, &ids).await?;
        let mut c = Conferral::of(parse_keys(keys.into_iter().map(|(_, k)| k)));
        c.admin = roles.iter().any(is_admin_role);
        Ok(c)
    }

    /// 403 unless the caller may confer `what` (the grant rule). Takes the tenant's access
    /// lock first, so the check and the caller's write are not interleaved with another
    /// change of access.
    pub(crate) async fn check_grant(&self, tx: &TenantTx, ctx: &Ctx, what: &Conferral) -> Result<(), Error> {
        roles::lock_access(tx).await?;
        let is_admin = if what.admin {
            self.actor_is_admin(tx, ctx).await?
        } else {
            false
        };
        grant::check(
            Grantor {
                permissions: &ctx.permissions,
                is_admin,
            },
            what,
        )
    }

    /// 403 unless the caller may confer (or take away) `roles`.
    pub(crate) async fn check_grant_roles(&self, tx: &TenantTx, ctx: &Ctx, roles: &[Role]) -> Result<(), Error> {
        if roles.is_empty() {
            return Ok(());
        }
        let what = self.conferral_of_roles(tx, roles).await?;
        self.check_grant(tx, ctx, &what).await
    }

    /// 403 unless the caller may do an act that could hand over `target`'s account (set its
    /// password, clear its MFA, deactivate it): only an administrator acts on an administrator
    /// or on an account holding as much as the caller or more. Acting on oneself is not
    /// checked here.
    pub(crate) async fn check_over_user(&self, tx: &TenantTx, ctx: &Ctx, target: UserId) -> Result<(), Error> {
        roles::lock_access(tx).await?;
        if ctx.user_id() == Some(target) {
            return Ok(());
        }
        let actor_admin = self.actor_is_admin(tx, ctx).await?;
        let target_permissions = parse_keys(roles::permission_keys_of(tx, target).await?);
        let target_admin = roles::holds_admin(tx, target).await?;
        grant::check_over(
            Grantor {
                permissions: &ctx.permissions,
                is_admin: actor_admin,
            },
            Target {
                permissions: &target_permissions,
                is_admin: target_admin,
            },
        )
    }

    /// Called inside a transaction after a change that may remove administration (deactivating
    /// a user, taking the admin role from a user or a group, removing a member of an admin
    /// group, deleting such a group): a 409 `last_admin` when no active administrator would
    /// remain, and the caller's transaction is dropped unwritten.
    pub(crate) async fn ensure_an_admin_remains(&self, tx: &TenantTx) -> Result<(), Error> {
        roles::lock_access(tx).await?;
        if roles::count_active_admins(tx).await? == 0 {
            return Err(Error::new(
                ErrorCode::LastAdmin,
                "this would leave the tenant without an active administrator",
            ));
        }
        Ok(())
    }
}
