//! The platform operator's use cases: the instance's tenants (list, create, suspend, resume,
//! delete) and moving one tenant's data between instances (export, import).
//!
//! The operator runs the instance and is no user of any tenant. Through the API they present
//! the configured platform admin token (`FIRELATER_PLATFORM_ADMIN_TOKEN`), compared in constant
//! time; without one configured the platform API does not exist. On the command line whoever
//! holds the database is the operator. A deleted tenant's audit log goes with it, so every
//! platform action is also logged (target `firelater::platform`); suspension, resumption,
//! export and import leave a row in the tenant's own audit log as well.

use crate::Services;
use crate::ctx::RequestMeta;
use crate::record::{self, Change};
use crate::tenants::NewTenant;
use chrono::{DateTime, Utc};
use firelater_core::audit::Diff;
use firelater_core::events::{self, Event};
use firelater_core::ids::TenantId;
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::tenants::{Tenant, TenantStatus};
use firelater_core::{Error, ErrorCode, validate};
use firelater_db::repo::tenant_data::{self, TenantData};
use firelater_db::repo::{tenants, users};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The `format` member of every tenant export.
pub const EXPORT_FORMAT: &str = "firelater.tenant-export";
/// The export format version this build writes and the newest it reads.
pub const EXPORT_VERSION: u32 = 1;

/// Tenant statuses: a suspended tenant's users can neither sign in nor use their tokens.
pub const TENANT_STATUSES: &[&str] = TenantStatus::NAMES;

/// What `GET /platform/tenants` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["created_at", "name", "slug"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "status",
            column: "status",
            kind: FilterKind::Enum(TENANT_STATUSES),
            description: "Tenants in these states.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "name",
        "slug",
        "status",
        "user_count",
        "version",
        "created_at",
        "updated_at",
    ],
    includes: &[],
    searchable: true,
};

/// The platform operator acting on the instance's tenants.
#[derive(Debug, Clone)]
pub struct PlatformCtx {
    /// How the operator reached FireLater: `api` or `cli`.
    pub via: &'static str,
    /// Where the request came from.
    pub meta: RequestMeta,
}

impl PlatformCtx {
    /// The operator at the command line, who holds the database and so needs no token.
    pub fn command_line() -> Self {
        Self {
            via: "cli",
            meta: RequestMeta::default(),
        }
    }
}

/// A tenant with the number of its users.
#[derive(Debug, Clone)]
pub struct TenantSummary {
    /// The tenant.
    pub tenant: Tenant,
    /// How many users it has, of any status.
    pub user_count: u64,
}

/// What deleting a tenant removed.
#[derive(Debug, Clone)]
pub struct DeletedTenant {
    /// The tenant as it was.
    pub tenant: Tenant,
    /// Its rows per table just before deletion.
    pub rows: BTreeMap<String, u64>,
}

/// One tenant's data as written by `firelater tenant export` and read by `import`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantExport {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The format version, [`EXPORT_VERSION`] when written by this build.
    pub version: u32,
    /// When the snapshot was taken.
    pub exported_at: DateTime<Utc>,
    /// The FireLater version that wrote it.
    pub firelater_version: String,
    /// The tenant's row and the rows of every tenant-owned table.
    #[serde(flatten)]
    pub data: TenantData,
}

/// What an import created.
#[derive(Debug, Clone)]
pub struct ImportedTenant {
    /// The new tenant.
    pub tenant: Tenant,
    /// Rows inserted per table.
    pub rows: BTreeMap<String, u64>,
    /// Adjustments made on the way in (e.g. a plan this instance lacks).
    pub warnings: Vec<String>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Compares two digests in time independent of where they differ.
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn already_exists(field: &str, message: &str) -> Error {
    let mut e = Error::field(field, message);
    e.code = ErrorCode::AlreadyExists;
    e.detail = message.to_owned();
    e
}

impl Services {
    /// Enables the platform API for bearers of `token` (none: the platform API does not exist).
    pub fn with_platform_admin_token(mut self, token: Option<&str>) -> Self {
        self.platform_token = token.map(digest);
        self
    }

    /// Whether a platform admin token is configured.
    pub fn platform_enabled(&self) -> bool {
        self.platform_token.is_some()
    }

    /// Checks a bearer token against the platform admin token in constant time. Without a
    /// configured token the platform API does not exist (404); a missing or wrong token is a
    /// 401, whatever else it may be (a user's access token is not a platform token).
    pub fn authenticate_platform(&self, bearer: Option<&str>, meta: RequestMeta) -> Result<PlatformCtx, Error> {
        let Some(expected) = &self.platform_token else {
            return Err(Error::new(
                ErrorCode::RouteNotFound,
                "there is no endpoint at this path",
            ));
        };
        let Some(bearer) = bearer else {
            return Err(Error::new(
                ErrorCode::Unauthenticated,
                "send Authorization: Bearer with the platform admin token",
            ));
        };
        if !same_digest(&digest(bearer), expected) {
            tracing::warn!(target: "firelater::platform", ip = ?meta.ip, request_id = ?meta.request_id, "platform API called with a wrong token");
            return Err(Error::new(
                ErrorCode::InvalidToken,
                "this is not the platform admin token",
            ));
        }
        Ok(PlatformCtx { via: "api", meta })
    }

    async fn summary(&self, tenant: Tenant) -> Result<TenantSummary, Error> {
        let tx = self.db.tenant_read(tenant.id).await?;
        let user_count = users::count(&tx).await?;
        tx.commit().await?;
        Ok(TenantSummary { tenant, user_count })
    }

    /// Lists the instance's tenants with their user counts.
    pub async fn list_tenants(&self, _p: &PlatformCtx, params: &ListParams) -> Result<Page<TenantSummary>, Error> {
        let page = tenants::list(self.db.system(), params).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for t in page.items {
            items.push(self.summary(t).await?);
        }
        Ok(Page {
            items,
            page: page.page,
            per_page: page.per_page,
            total: page.total,
        })
    }

    /// The tenant with `slug`.
    pub async fn tenant_by_slug(&self, _p: &PlatformCtx, slug: &str) -> Result<TenantSummary, Error> {
        let t = tenants::find_by_slug(self.db.system(), slug)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        self.summary(t).await
    }

    /// Creates a tenant with its system roles and first administrator.
    pub async fn platform_create_tenant(&self, p: &PlatformCtx, input: NewTenant) -> Result<TenantSummary, Error> {
        let (t, admin) = self.create_tenant(input).await?;
        tracing::info!(target: "firelater::platform", tenant_id = %t.id, slug = %t.slug, admin = %admin.email,
            via = p.via, ip = ?p.meta.ip, request_id = ?p.meta.request_id, "tenant created");
        self.summary(t).await
    }

    async fn set_tenant_status(
        &self,
        p: &PlatformCtx,
        id: TenantId,
        status: TenantStatus,
        event: fn(events::TenantData) -> Event,
    ) -> Result<TenantSummary, Error> {
        let now = self.now();
        let tx = self.db.system_write().await?;
        let before = tenants::find(tx.conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        if before.status == status {
            tx.commit().await?;
            return self.summary(before).await;
        }
        let after = tenants::set_status(tx.conn(), id, status, now)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        let tx = tx.into_tenant(id).await?;
        let diff = Diff::new().field("status", &before.status, &after.status);
        let change = Change::event(event(crate::tenants::tenant_data(&after))).diff(diff);
        let action = change.action();
        record::change(&tx, p, now, change).await?;
        tx.commit().await?;
        tracing::info!(target: "firelater::platform", tenant_id = %id, slug = %after.slug, status = %after.status,
            via = p.via, ip = ?p.meta.ip, request_id = ?p.meta.request_id, "{action}");
        self.summary(after).await
    }

    /// Suspends a tenant: its users can no longer sign in, and their tokens and API keys stop
    /// working on their next request. Nothing is deleted.
    pub async fn suspend_tenant(&self, p: &PlatformCtx, id: TenantId) -> Result<TenantSummary, Error> {
        self.set_tenant_status(p, id, TenantStatus::Suspended, Event::TenantSuspended)
            .await
    }

    /// Lifts a tenant's suspension.
    pub async fn resume_tenant(&self, p: &PlatformCtx, id: TenantId) -> Result<TenantSummary, Error> {
        self.set_tenant_status(p, id, TenantStatus::Active, Event::TenantResumed)
            .await
    }

    /// Deletes a tenant and every row of it, in one transaction. Its audit log goes with it,
    /// so the deletion is logged by the instance, with the number of rows per table.
    pub async fn delete_tenant(&self, p: &PlatformCtx, id: TenantId) -> Result<DeletedTenant, Error> {
        let now = self.now();
        let tenant = tenants::find(self.db.system(), id)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        let rows = {
            let tx = self.db.tenant_read(id).await?;
            let counts = tenant_data::row_counts(&tx).await?;
            tx.commit().await?;
            counts
        };
        let tx = self.db.system_write().await?;
        if !tenant_data::delete_tenant(&tx, id.0).await? {
            return Err(Error::not_found("tenant"));
        }
        // The tenant's rows are gone, so the event belongs to no tenant (and outlives it).
        let event = Event::TenantDeleted(crate::tenants::tenant_data(&tenant));
        record::system_event(&tx, None, event, now).await?;
        tx.commit().await?;
        tracing::info!(target: "firelater::platform", tenant_id = %id, slug = %tenant.slug, name = %tenant.name,
            rows = ?rows, via = p.via, ip = ?p.meta.ip, request_id = ?p.meta.request_id, "tenant deleted");
        Ok(DeletedTenant { tenant, rows })
    }

    /// Exports the tenant with `slug`: its row and every row of every exported tenant table,
    /// read from one snapshot. Password hashes are included, so the file is as sensitive as
    /// the database.
    pub async fn export_tenant(&self, p: &PlatformCtx, slug: &str) -> Result<TenantExport, Error> {
        let t = tenants::find_by_slug(self.db.system(), slug)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        let tenant = t.id;
        let now = self.now();
        let tx = self.db.tenant_snapshot(tenant).await?;
        let data = tenant_data::export(&tx).await?;
        tx.commit().await?;
        let rows: BTreeMap<&str, usize> = data.tables.iter().map(|(k, v)| (k.as_str(), v.len())).collect();
        let tx = self.db.tenant_write(tenant).await?;
        let change = Change::audit("tenant.exported", "tenant", t.id).details(json!({"rows": rows}));
        record::change(&tx, p, now, change).await?;
        tx.commit().await?;
        tracing::info!(target: "firelater::platform", tenant_id = %t.id, slug = %t.slug, rows = ?rows,
            via = p.via, "tenant exported");
        Ok(TenantExport {
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            exported_at: now,
            firelater_version: env!("CARGO_PKG_VERSION").to_owned(),
            data,
        })
    }

    /// Creates a tenant from an export, all in one transaction: refused when the export's
    /// tenant id or slug exists here, when it was written by a newer format, or when any row
    /// does not fit this instance's schema; then nothing is written.
    pub async fn import_tenant(&self, p: &PlatformCtx, export: &TenantExport) -> Result<ImportedTenant, Error> {
        if export.format != EXPORT_FORMAT {
            return Err(Error::field("format", format!("must be {EXPORT_FORMAT}")));
        }
        if export.version == 0 || export.version > EXPORT_VERSION {
            return Err(Error::field(
                "version",
                format!("this FireLater reads export versions 1 to {EXPORT_VERSION}; upgrade it to import this file"),
            ));
        }
        let tenant_field = |name: &str| export.data.tenant.get(name).and_then(serde_json::Value::as_str);
        let id = tenant_field("id")
            .and_then(|s| Uuid::parse_str(s).ok())
            .map(TenantId)
            .ok_or_else(|| Error::field("tenant.id", "must be a UUID"))?;
        let slug = validate::slug("tenant.slug", tenant_field("slug").unwrap_or_default())?;
        let now = self.now();
        let tx = self.db.tenant_write(id).await?;
        if tenants::find(tx.conn(), id).await?.is_some() {
            return Err(already_exists(
                "tenant.id",
                "a tenant with this id exists on this instance",
            ));
        }
        if tenants::find_by_slug(tx.conn(), &slug).await?.is_some() {
            return Err(already_exists(
                "tenant.slug",
                "a tenant with this slug exists on this instance",
            ));
        }
        let imported = tenant_data::import(&tx, &export.data).await?;
        let tenant = tenants::find(tx.conn(), id)
            .await?
            .ok_or_else(|| Error::internal("imported tenant vanished"))?;
        let change = Change::event(Event::TenantImported(crate::tenants::tenant_data(&tenant))).details(json!({
            "exported_at": export.exported_at,
            "firelater_version": export.firelater_version,
            "rows": imported.rows,
            "warnings": imported.warnings,
        }));
        record::change(&tx, p, now, change).await?;
        tx.commit().await?;
        tracing::info!(target: "firelater::platform", tenant_id = %id, slug = %tenant.slug, rows = ?imported.rows,
            warnings = ?imported.warnings, via = p.via, "tenant imported");
        Ok(ImportedTenant {
            tenant,
            rows: imported.rows,
            warnings: imported.warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_compare_equal_only_when_equal() {
        let a = digest("a-platform-token-of-32-characters!");
        assert!(same_digest(&a, &digest("a-platform-token-of-32-characters!")));
        assert!(!same_digest(&a, &digest("a-platform-token-of-32-characters?")));
    }
}
