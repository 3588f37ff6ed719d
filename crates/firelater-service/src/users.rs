//! Users of a tenant: create, list, read, update, deactivate and reactivate. Users are never deleted, so
//! their history stays attributed.

use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{Event, UserData};
use firelater_core::ids::UserId;
use firelater_core::list::{FilterKind, FilterSpec, FilterValue, ListParams, ListSpec, Order, Page};
use firelater_core::roles::Role;
use firelater_core::users::{User, UserStatus};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::{mfa, roles, sessions, status_history, users};

/// What `GET /users` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["created_at", "updated_at", "name", "email", "last_login_at"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "status",
            column: "status",
            kind: FilterKind::Enum(UserStatus::NAMES),
            description: "Users in these states.",
        },
        FilterSpec {
            param: "email",
            column: "email",
            kind: FilterKind::Text,
            description: "Exact email.",
        },
        FilterSpec {
            param: "auth_provider",
            column: "auth_provider",
            kind: FilterKind::Text,
            description: "Exact auth provider.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "email",
        "name",
        "phone",
        "timezone",
        "status",
        "auth_provider",
        "last_login_at",
        "mfa_enabled",
        "version",
        "created_at",
        "updated_at",
        "roles",
    ],
    includes: &["roles"],
    searchable: true,
};

/// A user to create.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Email, unique in the tenant.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// IANA time zone; UTC when absent.
    pub timezone: Option<String>,
    /// Initial password; without one the user is `pending` until they set one.
    pub password: Option<String>,
    /// Names of roles to grant; `requester` when empty.
    pub roles: Vec<String>,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New phone; `Some(None)` clears it.
    pub phone: Option<Option<String>>,
    /// New time zone.
    pub timezone: Option<String>,
}

/// A user with the roles asked for by `include=roles` and whether they use MFA.
#[derive(Debug, Clone)]
pub struct UserView {
    /// The user.
    pub user: User,
    /// Their roles, when included.
    pub roles: Option<Vec<Role>>,
    /// Whether they have multi-factor authentication on (an enrolment confirmed with a code).
    pub mfa_enabled: bool,
}

impl UserView {
    /// A user without their roles, with their MFA state read in `tx`.
    pub(crate) async fn load(tx: &TenantTx, user: User) -> Result<Self, Error> {
        let mfa_enabled = mfa::is_enabled(tx, user.id).await?;
        Ok(Self {
            user,
            roles: None,
            mfa_enabled,
        })
    }
}

/// A user as events describe them.
pub(crate) fn event_data(u: &User) -> UserData {
    UserData {
        id: u.id.0,
        email: u.email.clone(),
        name: u.name.clone(),
        status: u.status.as_str().to_owned(),
    }
}

impl Services {
    /// Creates a user (needs `users:create`).
    pub async fn create_user(&self, ctx: &Ctx, input: NewUser) -> Result<UserView, Error> {
        ctx.require(Permission::UsersCreate)?;
        let mut v = Validator::new();
        let email = v.check(validate::email("email", &input.email));
        let name = v.check(validate::name("name", &input.name));
        let timezone = v.check(validate::timezone(
            "timezone",
            input.timezone.as_deref().unwrap_or("UTC"),
        ));
        let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => v.check(validate::required_text("phone", p, 50)).map(Some),
            None => Some(None),
        };
        if let Some(p) = &input.password {
            v.check(validate::password("password", p));
        }
        v.finish()?;
        let (Some(email), Some(name), Some(timezone), Some(phone)) = (email, name, timezone, phone) else {
            return Err(Error::internal("validated fields missing"));
        };
        let password_hash = match input.password {
            Some(p) => Some(self.hasher.hash(p).await?),
            None => None,
        };
        let role_names = if input.roles.is_empty() {
            vec!["requester".to_owned()]
        } else {
            input.roles
        };
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let mut granted = Vec::new();
        for name in &role_names {
            match roles::find_by_name(&tx, name).await? {
                Some(r) => granted.push(r),
                None => return Err(Error::field("roles", format!("no role named {name}"))),
            }
        }
        // A new user holds what their roles confer, so creating one is a grant.
        self.check_grant_roles(&tx, ctx, &granted).await?;
        let status = if password_hash.is_some() {
            UserStatus::Active
        } else {
            UserStatus::Pending
        };
        let u = users::insert(
            &tx,
            users::NewUserRow {
                id: UserId::new(),
                email,
                name,
                phone,
                timezone,
                status,
                password_hash,
            },
            now,
        )
        .await?;
        for r in &granted {
            roles::grant(&tx, u.id, r.id, ctx.user_id(), now).await?;
        }
        let diff = Diff::new()
            .created("email", &u.email)
            .created("name", &u.name)
            .created("timezone", &u.timezone)
            .created("status", &u.status)
            .created("roles", &role_names);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::UserCreated(event_data(&u))).diff(diff).status(
                status_history::USERS,
                None,
                u.status.as_str(),
                None,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(UserView {
            user: u,
            roles: Some(granted),
            // Nobody has enrolled a user who did not exist a moment ago.
            mfa_enabled: false,
        })
    }

    /// Lists users (needs `users:read`).
    pub async fn list_users(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<UserView>, Error> {
        ctx.require(Permission::UsersRead)?;
        // Emails are stored normalised (NFKC, lower case), so the filter matches in any case.
        let mut params = params.clone();
        for f in &mut params.filters {
            if f.column == "email" {
                match &mut f.value {
                    FilterValue::Text(v) => *v = validate::normalize_email(v),
                    FilterValue::AnyOf(vs) => vs.iter_mut().for_each(|v| *v = validate::normalize_email(v)),
                    _ => {}
                }
            }
        }
        let params = &params;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = users::list(&tx, params).await?;
        let ids: Vec<UserId> = page.items.iter().map(|u| u.id).collect();
        let with_mfa = mfa::enabled_among(&tx, &ids).await?;
        let with_roles = params.includes("roles") || params.fields.as_ref().is_some_and(|f| f.contains(&"roles"));
        let mut role_pairs = if with_roles {
            roles::roles_of_users(&tx, &ids).await?
        } else {
            Vec::new()
        };
        tx.commit().await?;
        Ok(page.map(|u| {
            let roles = with_roles.then(|| {
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut role_pairs)
                    .into_iter()
                    .partition(|(uid, _)| *uid == u.id);
                role_pairs = rest;
                mine.into_iter().map(|(_, r)| r).collect()
            });
            let mfa_enabled = with_mfa.contains(&u.id);
            UserView {
                user: u,
                roles,
                mfa_enabled,
            }
        }))
    }

    /// One user (needs `users:read`, or to be that user).
    pub async fn get_user(&self, ctx: &Ctx, id: UserId, with_roles: bool) -> Result<UserView, Error> {
        if ctx.user_id() != Some(id) {
            ctx.require(Permission::UsersRead)?;
        }
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let user = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        let roles = if with_roles {
            Some(
                roles::roles_of_users(&tx, &[id])
                    .await?
                    .into_iter()
                    .map(|(_, r)| r)
                    .collect(),
            )
        } else {
            None
        };
        let mfa_enabled = mfa::is_enabled(&tx, id).await?;
        tx.commit().await?;
        Ok(UserView {
            user,
            roles,
            mfa_enabled,
        })
    }

    /// Changes a user's profile (needs `users:update`, or to be that user); a stale
    /// `version` is a 409.
    pub async fn update_user(&self, ctx: &Ctx, id: UserId, patch: UserPatch) -> Result<UserView, Error> {
        if ctx.user_id() != Some(id) {
            ctx.require(Permission::UsersUpdate)?;
        }
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| v.check(validate::name("name", n)));
        let timezone = patch
            .timezone
            .as_deref()
            .map(|t| v.check(validate::timezone("timezone", t)));
        let phone = patch
            .phone
            .clone()
            .map(|p| match p.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(p) => v.check(validate::required_text("phone", p, 50)).map(Some),
                None => Some(None),
            });
        v.finish()?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let changes = users::UserChanges {
            name: name.flatten(),
            phone: phone.flatten(),
            timezone: timezone.flatten(),
            ..Default::default()
        };
        let after = users::update(&tx, id, Some(patch.version), changes, now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        let diff = Diff::new()
            .field("name", &before.name, &after.name)
            .field("phone", &before.phone, &after.phone)
            .field("timezone", &before.timezone, &after.timezone);
        if !diff.is_empty() {
            let change = Change::event(Event::UserUpdated(event_data(&after))).diff(diff);
            record::change(&tx, ctx, now, change).await?;
        }
        let view = UserView::load(&tx, after).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Deactivates a user (needs `users:delete`): they can no longer sign in and every
    /// session of theirs ends now. Their records stay.
    pub async fn deactivate_user(&self, ctx: &Ctx, id: UserId) -> Result<UserView, Error> {
        ctx.require(Permission::UsersDelete)?;
        if ctx.user_id() == Some(id) {
            return Err(Error::new(ErrorCode::Forbidden, "you cannot deactivate yourself"));
        }
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        self.check_over_user(&tx, ctx, id).await?;
        if before.status == UserStatus::Inactive {
            let view = UserView::load(&tx, before).await?;
            tx.commit().await?;
            return Ok(view);
        }
        let changes = users::UserChanges {
            status: Some(UserStatus::Inactive),
            ..Default::default()
        };
        let after = users::update(&tx, id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        self.ensure_an_admin_remains(&tx).await?;
        sessions::revoke_all_of_user(&tx, id.0, "user_deactivated", now).await?;
        let diff = Diff::new().field("status", &before.status, &after.status);
        let change = Change::event(Event::UserDeactivated(event_data(&after)))
            .diff(diff)
            .status(
                status_history::USERS,
                Some(before.status.as_str()),
                after.status.as_str(),
                None,
            );
        record::change(&tx, ctx, now, change).await?;
        let view = UserView::load(&tx, after).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Reactivates a deactivated user (needs `users:delete`, like deactivation): they can
    /// sign in again with their old password. A user who is not inactive is a 409
    /// `user_not_inactive`.
    pub async fn reactivate_user(&self, ctx: &Ctx, id: UserId) -> Result<UserView, Error> {
        ctx.require(Permission::UsersDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        self.check_over_user(&tx, ctx, id).await?;
        // Only an inactive user is reactivated. One who never had a password goes back to
        // pending (they cannot sign in until they set one), anyone else to active.
        let target = if before.password_hash.is_some() {
            UserStatus::Active
        } else {
            UserStatus::Pending
        };
        if before.status != UserStatus::Inactive || !before.status.can_transition(target) {
            return Err(Error::new(
                ErrorCode::UserNotInactive,
                format!("the user is {}, not inactive", before.status),
            ));
        }
        let changes = users::UserChanges {
            status: Some(target),
            ..Default::default()
        };
        let after = users::update(&tx, id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let diff = Diff::new().field("status", &before.status, &after.status);
        let change = Change::event(Event::UserReactivated(event_data(&after)))
            .diff(diff)
            .status(
                status_history::USERS,
                Some(before.status.as_str()),
                after.status.as_str(),
                None,
            );
        record::change(&tx, ctx, now, change).await?;
        let view = UserView::load(&tx, after).await?;
        tx.commit().await?;
        Ok(view)
    }
}
