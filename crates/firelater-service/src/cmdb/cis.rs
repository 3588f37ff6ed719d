//! Configuration items: numbered `CI-00001` inside the creating transaction, of a class of
//! the tenant whose schema their `attributes` must satisfy (field errors
//! `attributes.<prop>`), soft-deleted.

use super::classes::lock_class;
use super::live_ci;
use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use chrono::{DateTime, Utc};
use firelater_core::audit::Diff;
use firelater_core::cmdb::{
    CI_NAME_MAX, CiEnvironment, CiStatus, ConfigItem, DISCOVERED_BY_MAX, MAX_ATTRIBUTES_BYTES, schema,
};
use firelater_core::error::Validator;
use firelater_core::events::{CiData, Event};
use firelater_core::ids::{ApplicationId, CiId, ServiceId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::numbering::NumberedEntity;
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::cmdb::{self as repo, CiRow};
use firelater_db::repo::{applications, numbers, services, users};
use serde_json::{Value, json};
use uuid::Uuid;

/// What `GET /cmdb/cis` accepts.
pub const CI_LIST: ListSpec = ListSpec {
    sortable: &[
        "number",
        "name",
        "ci_class",
        "status",
        "environment",
        "created_at",
        "updated_at",
    ],
    default_sort: "number",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "ci_class",
            column: "ci_class",
            kind: FilterKind::Text,
            description: "Only CIs of this class (its name).",
        },
        FilterSpec {
            param: "status",
            column: "status",
            kind: FilterKind::Enum(CiStatus::NAMES),
            description: "CIs with these statuses.",
        },
        FilterSpec {
            param: "environment",
            column: "environment",
            kind: FilterKind::Enum(CiEnvironment::NAMES),
            description: "CIs in these environments.",
        },
        FilterSpec {
            param: "application_id",
            column: "application_id",
            kind: FilterKind::Uuid,
            description: "Only CIs of this application.",
        },
        FilterSpec {
            param: "service_id",
            column: "service_id",
            kind: FilterKind::Uuid,
            description: "Only CIs supporting this business service.",
        },
        FilterSpec {
            param: "owner_id",
            column: "owner_id",
            kind: FilterKind::Uuid,
            description: "Only CIs owned by this user.",
        },
        FilterSpec {
            param: "attr.",
            column: "attributes",
            kind: FilterKind::JsonKey,
            description: "`attr.<key>=<value>`: only CIs whose attribute `<key>` equals the value.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "number",
        "name",
        "description",
        "ci_class",
        "status",
        "environment",
        "service_id",
        "application_id",
        "owner_id",
        "managed_by",
        "attributes",
        "discovered_by",
        "last_discovered_at",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "version",
    ],
    includes: &[],
    searchable: true,
};

/// A configuration item to add.
#[derive(Debug, Clone)]
pub struct NewCi {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Class name.
    pub ci_class: String,
    /// `active` when absent.
    pub status: Option<CiStatus>,
    /// Environment.
    pub environment: CiEnvironment,
    /// Business service.
    pub service_id: Option<Uuid>,
    /// Application.
    pub application_id: Option<ApplicationId>,
    /// Owner; the caller when absent.
    pub owner_id: Option<UserId>,
    /// Manager.
    pub managed_by: Option<UserId>,
    /// Attributes; `{}` when absent.
    pub attributes: Option<Value>,
    /// Discovery source.
    pub discovered_by: Option<String>,
    /// Last discovery.
    pub last_discovered_at: Option<DateTime<Utc>>,
}

/// Changes to a configuration item; absent fields stay, `Some(None)` clears one.
#[derive(Debug, Clone, Default)]
pub struct CiPatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New class.
    pub ci_class: Option<String>,
    /// New status.
    pub status: Option<CiStatus>,
    /// New environment.
    pub environment: Option<CiEnvironment>,
    /// New service.
    pub service_id: Option<Option<Uuid>>,
    /// New application.
    pub application_id: Option<Option<ApplicationId>>,
    /// New owner.
    pub owner_id: Option<UserId>,
    /// New manager.
    pub managed_by: Option<Option<UserId>>,
    /// New attributes, replacing the old ones.
    pub attributes: Option<Value>,
    /// New discovery source.
    pub discovered_by: Option<Option<String>>,
    /// New discovery time.
    pub last_discovered_at: Option<Option<DateTime<Utc>>>,
}

pub(super) fn ci_data(c: &ConfigItem) -> CiData {
    CiData {
        id: c.id.0,
        number: c.number.clone(),
        name: c.name.clone(),
        ci_class: c.ci_class.clone(),
        status: c.status.as_str().to_owned(),
        environment: c.environment.as_str().to_owned(),
    }
}

fn ci_name(v: &mut Validator, value: &str) -> Option<String> {
    let name = v.check(validate::name("name", value))?;
    if name.chars().count() > CI_NAME_MAX {
        v.add("name", format!("must be at most {CI_NAME_MAX} characters"));
        return None;
    }
    Some(name)
}

fn discovered_by(v: &mut Validator, value: Option<&str>) -> Option<Option<String>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => v
            .check(validate::required_text("discovered_by", s, DISCOVERED_BY_MAX))
            .map(Some),
    }
}

fn attributes_shape(v: &mut Validator, value: Value) -> Option<Value> {
    if !value.is_object() {
        v.add("attributes", "must be a JSON object");
        return None;
    }
    if value.to_string().len() > MAX_ATTRIBUTES_BYTES {
        v.add(
            "attributes",
            format!("must be at most {MAX_ATTRIBUTES_BYTES} bytes of JSON"),
        );
        return None;
    }
    Some(value)
}

/// Checks the class exists and the attributes satisfy its schema (field errors
/// `attributes.<prop>`), then the references that changed; the other fields' errors in `v`
/// come first. An unknown class is a 422 naming `ci_class`, an unknown reference a 422
/// `invalid_reference` naming its field.
async fn check(tx: &TenantTx, mut v: Validator, row: &CiRow, before: Option<&CiRow>) -> Result<(), Error> {
    let class_changed = before.is_none_or(|b| b.ci_class != row.ci_class);
    if class_changed {
        lock_class(tx, &row.ci_class).await?;
    }
    match repo::find_class_by_name(tx, &row.ci_class).await? {
        None => v.add("ci_class", "no class with this name"),
        Some(class) => {
            let attrs_changed = class_changed || before.is_none_or(|b| b.attributes != row.attributes);
            if attrs_changed && let Some(s) = &class.attribute_schema {
                for p in schema::validate(s, &row.attributes) {
                    v.add(&p.path, p.message);
                }
            }
        }
    }
    v.finish()?;
    let mut refs = Validator::new();
    if before.is_none_or(|b| b.owner_id != row.owner_id) && users::find(tx, row.owner_id).await?.is_none() {
        refs.add("owner_id", "no user with this id");
    }
    if let Some(m) = row.managed_by
        && before.is_none_or(|b| b.managed_by != Some(m))
        && users::find(tx, m).await?.is_none()
    {
        refs.add("managed_by", "no user with this id");
    }
    if let Some(a) = row.application_id
        && before.is_none_or(|b| b.application_id != Some(a))
        && applications::find(tx, a).await?.is_none()
    {
        refs.add("application_id", "no application with this id");
    }
    if let Some(sv) = row.service_id
        && before.is_none_or(|b| b.service_id != Some(sv))
        && services::find(tx, ServiceId(sv)).await?.is_none()
    {
        refs.add("service_id", "no service with this id");
    }
    refs.finish().map_err(|mut e| {
        e.code = ErrorCode::InvalidReference;
        e
    })
}

fn diff(before: Option<&CiRow>, after: &CiRow) -> Diff {
    let Some(b) = before else {
        let mut d = Diff::new()
            .created("name", &after.name)
            .created("ci_class", &after.ci_class)
            .created("status", &after.status)
            .created("environment", &after.environment)
            .created("owner_id", &after.owner_id.0);
        if after.description.is_some() {
            d = d.created("description", &after.description);
        }
        if let Some(s) = after.service_id {
            d = d.created("service_id", &s);
        }
        if let Some(a) = after.application_id {
            d = d.created("application_id", &a.0);
        }
        if let Some(m) = after.managed_by {
            d = d.created("managed_by", &m.0);
        }
        if after.attributes != json!({}) {
            d = d.created("attributes", &after.attributes);
        }
        if after.discovered_by.is_some() {
            d = d.created("discovered_by", &after.discovered_by);
        }
        if after.last_discovered_at.is_some() {
            d = d.created("last_discovered_at", &after.last_discovered_at);
        }
        return d;
    };
    Diff::new()
        .field("name", &b.name, &after.name)
        .field("description", &b.description, &after.description)
        .field("ci_class", &b.ci_class, &after.ci_class)
        .field("status", &b.status, &after.status)
        .field("environment", &b.environment, &after.environment)
        .field("service_id", &b.service_id, &after.service_id)
        .field(
            "application_id",
            &b.application_id.map(|a| a.0),
            &after.application_id.map(|a| a.0),
        )
        .field("owner_id", &b.owner_id.0, &after.owner_id.0)
        .field("managed_by", &b.managed_by.map(|m| m.0), &after.managed_by.map(|m| m.0))
        .field("attributes", &b.attributes, &after.attributes)
        .field("discovered_by", &b.discovered_by, &after.discovered_by)
        .field("last_discovered_at", &b.last_discovered_at, &after.last_discovered_at)
}

/// Who a write is recorded as: the user, the API key, or nobody (the system).
fn author(ctx: &Ctx) -> UserId {
    UserId(ctx.actor_id().unwrap_or(Uuid::nil()))
}

/// Validates and adds one configuration item in `tx` (the caller checked the permission):
/// numbering, audit and event, all in the transaction.
pub(crate) async fn create_ci_in(
    tx: &TenantTx,
    ctx: &Ctx,
    input: NewCi,
    now: DateTime<Utc>,
) -> Result<ConfigItem, Error> {
    let mut v = Validator::new();
    let name = ci_name(&mut v, &input.name);
    let description = v.check(validate::optional_text(
        "description",
        input.description.as_deref(),
        validate::DESCRIPTION_MAX,
    ));
    let discovered = discovered_by(&mut v, input.discovered_by.as_deref());
    let attributes = attributes_shape(&mut v, input.attributes.unwrap_or_else(|| json!({})));
    let owner = input.owner_id.or_else(|| ctx.user_id());
    if owner.is_none() {
        v.add("owner_id", "is required when no user is signed in");
    }
    let (Some(name), Some(description), Some(discovered_by), Some(attributes), Some(owner_id)) =
        (name, description, discovered, attributes, owner)
    else {
        v.finish()?;
        return Err(Error::internal("validated fields missing"));
    };
    let row = CiRow {
        name,
        description,
        ci_class: input.ci_class,
        status: input.status.unwrap_or(CiStatus::Active),
        environment: input.environment,
        service_id: input.service_id,
        application_id: input.application_id,
        owner_id,
        managed_by: input.managed_by,
        attributes,
        discovered_by,
        last_discovered_at: input.last_discovered_at,
    };
    check(tx, v, &row, None).await?;
    let d = diff(None, &row);
    let number = numbers::next(tx, NumberedEntity::ConfigItem, now).await?;
    let c = repo::insert_ci(tx, CiId::new(), number, row, author(ctx), now).await?;
    record::change(tx, ctx, now, Change::event(Event::CiCreated(ci_data(&c))).diff(d)).await?;
    Ok(c)
}

impl Services {
    /// Adds a configuration item (needs `cmdb:create`), numbered `CI-…`.
    pub async fn create_ci(&self, ctx: &Ctx, input: NewCi) -> Result<ConfigItem, Error> {
        ctx.require(Permission::CmdbCreate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let c = create_ci_in(&tx, ctx, input, now).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Lists the tenant's live configuration items (needs `cmdb:read`).
    pub async fn list_cis(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<ConfigItem>, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = repo::list_cis(&tx, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// One live configuration item (needs `cmdb:read`).
    pub async fn get_ci(&self, ctx: &Ctx, id: CiId) -> Result<ConfigItem, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let c = live_ci(&tx, id).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Changes a configuration item (needs `cmdb:update`); a stale `version` is a 409.
    pub async fn update_ci(&self, ctx: &Ctx, id: CiId, patch: CiPatch) -> Result<ConfigItem, Error> {
        ctx.require(Permission::CmdbUpdate)?;
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| ci_name(&mut v, n));
        let description = patch.description.as_ref().map(|d| {
            v.check(validate::optional_text(
                "description",
                d.as_deref(),
                validate::DESCRIPTION_MAX,
            ))
        });
        let discovered = patch
            .discovered_by
            .as_ref()
            .map(|d| discovered_by(&mut v, d.as_deref()));
        let attributes = patch.attributes.clone().map(|a| attributes_shape(&mut v, a));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = live_ci(&tx, id).await?;
        let old = CiRow::of(&before);
        let row = CiRow {
            name: name.flatten().unwrap_or_else(|| old.name.clone()),
            description: description.flatten().unwrap_or_else(|| old.description.clone()),
            ci_class: patch.ci_class.clone().unwrap_or_else(|| old.ci_class.clone()),
            status: patch.status.unwrap_or(old.status),
            environment: patch.environment.unwrap_or(old.environment),
            service_id: patch.service_id.unwrap_or(old.service_id),
            application_id: patch.application_id.unwrap_or(old.application_id),
            owner_id: patch.owner_id.unwrap_or(old.owner_id),
            managed_by: patch.managed_by.unwrap_or(old.managed_by),
            attributes: attributes.flatten().unwrap_or_else(|| old.attributes.clone()),
            discovered_by: discovered.flatten().unwrap_or_else(|| old.discovered_by.clone()),
            last_discovered_at: patch.last_discovered_at.unwrap_or(old.last_discovered_at),
        };
        check(&tx, v, &row, Some(&old)).await?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let d = diff(Some(&old), &row);
        if d.is_empty() {
            tx.commit().await?;
            return Ok(before);
        }
        let after = repo::update_ci(&tx, id, patch.version, row, author(ctx), now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        record::change(&tx, ctx, now, Change::event(Event::CiUpdated(ci_data(&after))).diff(d)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a configuration item (needs `cmdb:delete`): soft, so its history and its
    /// relationship rows stay, while it leaves every list, graph and impact result.
    pub async fn delete_ci(&self, ctx: &Ctx, id: CiId) -> Result<(), Error> {
        ctx.require(Permission::CmdbDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let c = live_ci(&tx, id).await?;
        if !repo::soft_delete_ci(&tx, id, author(ctx), now).await? {
            return Err(Error::not_found("configuration item"));
        }
        let d = Diff::new().field("deleted_at", &None, &Some(now));
        record::change(&tx, ctx, now, Change::event(Event::CiDeleted(ci_data(&c))).diff(d)).await?;
        tx.commit().await?;
        Ok(())
    }
}
