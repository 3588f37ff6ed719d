//! Creating tenants and the first start of an instance.

use crate::ctx::Ctx;
use crate::record::{self, Change};
use crate::{Services, password};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{Event, TenantData};
use firelater_core::ids::TenantId;
use firelater_core::ids::UserId;
use firelater_core::tenants::Tenant;
use firelater_core::users::{User, UserStatus};
use firelater_core::{Error, validate};
use firelater_db::repo::{roles, status_history, tenants, users};
use serde_json::json;

/// A tenant to create with its first administrator.
#[derive(Debug, Clone)]
pub struct NewTenant {
    /// Display name.
    pub name: String,
    /// URL-safe unique slug, used at login.
    pub slug: String,
    /// The first administrator's email.
    pub admin_email: String,
    /// The first administrator's name.
    pub admin_name: String,
    /// The first administrator's password.
    pub admin_password: String,
}

/// What a first start created.
#[derive(Debug, Clone)]
pub struct Bootstrapped {
    /// The tenant.
    pub tenant: Tenant,
    /// Its administrator.
    pub admin: User,
    /// Whether the password was generated (and so must be shown once).
    pub password_generated: bool,
    /// The administrator's password.
    pub password: String,
}

/// A tenant as events describe it.
pub(crate) fn tenant_data(t: &Tenant) -> TenantData {
    TenantData {
        id: t.id.0,
        slug: t.slug.clone(),
        name: t.name.clone(),
        status: t.status.as_str().to_owned(),
    }
}

impl Services {
    /// Creates a tenant with its system roles and first administrator, all in one
    /// transaction.
    pub async fn create_tenant(&self, input: NewTenant) -> Result<(Tenant, User), Error> {
        let mut v = Validator::new();
        let name = v.check(validate::name("name", &input.name));
        let slug = v.check(validate::slug("slug", &input.slug));
        let email = v.check(validate::email("admin_email", &input.admin_email));
        let admin_name = v.check(validate::name("admin_name", &input.admin_name));
        v.check(validate::password("admin_password", &input.admin_password));
        v.finish()?;
        let (Some(name), Some(slug), Some(email), Some(admin_name)) = (name, slug, email, admin_name) else {
            return Err(Error::internal("validated fields missing"));
        };
        let hash = self.hasher.hash(input.admin_password).await?;
        let now = self.now();
        let tenant_id = TenantId::new();
        let tx = self.db.system_write().await?;
        let t = tenants::insert(tx.conn(), tenant_id, &name, &slug, now).await?;
        let tx = tx.into_tenant(tenant_id).await?;
        roles::seed_system_roles(&tx, now).await?;
        firelater_db::repo::cmdb::seed_classes(&tx, now).await?;
        let admin = users::insert(
            &tx,
            users::NewUserRow {
                id: UserId::new(),
                email,
                name: admin_name,
                phone: None,
                timezone: "UTC".to_owned(),
                status: UserStatus::Active,
                password_hash: Some(hash),
            },
            now,
        )
        .await?;
        let admin_role = roles::find_by_name(&tx, "admin")
            .await?
            .ok_or_else(|| Error::internal("admin role missing"))?;
        roles::grant(&tx, admin.id, admin_role.id, None, now).await?;
        let ctx = Ctx::system(tenant_id);
        let created =
            Change::event(Event::TenantCreated(tenant_data(&t))).details(json!({"name": t.name, "slug": t.slug}));
        record::change(&tx, &ctx, now, created).await?;
        let diff = Diff::new()
            .created("email", &admin.email)
            .created("name", &admin.name)
            .created("status", &admin.status)
            .created("roles", &["admin"]);
        let admin_created = Change::event(Event::UserCreated(crate::users::event_data(&admin)))
            .diff(diff)
            .status(status_history::USERS, None, admin.status.as_str(), None);
        record::change(&tx, &ctx, now, admin_created).await?;
        tx.commit().await?;
        Ok((t, admin))
    }

    /// On an empty database, creates the tenant `default` and its first administrator.
    /// Returns `None` when any tenant exists already.
    pub async fn bootstrap(
        &self,
        admin_email: Option<String>,
        admin_password: Option<String>,
    ) -> Result<Option<Bootstrapped>, Error> {
        if tenants::count(self.db.system()).await? > 0 {
            return Ok(None);
        }
        let generated = admin_password.is_none();
        let password = admin_password.unwrap_or_else(password::generate);
        let input = NewTenant {
            name: "Default".to_owned(),
            slug: "default".to_owned(),
            admin_email: admin_email.unwrap_or_else(|| "admin@firelater.local".to_owned()),
            admin_name: "Administrator".to_owned(),
            admin_password: password.clone(),
        };
        match self.create_tenant(input).await {
            Ok((tenant, admin)) => Ok(Some(Bootstrapped {
                tenant,
                admin,
                password_generated: generated,
                password,
            })),
            // Another instance bootstrapped at the same moment.
            Err(e) if e.code == firelater_core::ErrorCode::AlreadyExists => Ok(None),
            Err(e) => Err(e),
        }
    }
}
