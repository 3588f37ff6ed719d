//! The application registry: applications (`APP-00001`, numbered per tenant inside the
//! creating transaction) with their tier, owners, lifecycle, tags and metadata, and the
//! environments each is deployed to. Deleting an application is soft: it leaves every list
//! and lookup, its environments become unreachable, and its audit history stays readable.
//! Environments are reached only through a live application of the caller's tenant and are
//! governed by the application's permissions. Every change is audited with its field diff,
//! moves of an application's status go to its status history, and each is announced on the
//! outbox.

use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use firelater_core::applications::{
    Application, ApplicationStatus, CloudProvider, Criticality, Environment, EnvironmentStatus, EnvironmentType,
    LifecycleStage, MAX_RESOURCE_IDS, MAX_TAGS, RESOURCE_ID_MAX, TAG_MAX, Tier, http_url,
};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{ApplicationData, EnvironmentData, Event};
use firelater_core::ids::{ApplicationId, EnvironmentId, GroupId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::numbering::NumberedEntity;
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::applications::{self as apps, ApplicationRow, EnvironmentRow, TAG_COLUMN};
use firelater_db::repo::status_history;
use firelater_db::repo::{groups, numbers, users};
use serde_json::{Value, json};

/// The largest `metadata` object accepted, in bytes of JSON.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;
/// The longest business unit, in characters.
pub const BUSINESS_UNIT_MAX: usize = 255;
/// The longest environment name, in characters.
pub const ENVIRONMENT_NAME_MAX: usize = 100;
/// The longest cloud account, in characters.
pub const CLOUD_ACCOUNT_MAX: usize = 255;
/// The longest cloud region, in characters.
pub const CLOUD_REGION_MAX: usize = 50;

/// What `GET /applications` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["name", "app_id", "tier", "created_at", "updated_at"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "tier",
            column: "tier",
            kind: FilterKind::Enum(Tier::NAMES),
            description: "Applications of these tiers.",
        },
        FilterSpec {
            param: "status",
            column: "status",
            kind: FilterKind::Enum(ApplicationStatus::NAMES),
            description: "Applications with these statuses.",
        },
        FilterSpec {
            param: "lifecycle_stage",
            column: "lifecycle_stage",
            kind: FilterKind::Enum(LifecycleStage::NAMES),
            description: "Applications in these lifecycle stages.",
        },
        FilterSpec {
            param: "criticality",
            column: "criticality",
            kind: FilterKind::Enum(Criticality::NAMES),
            description: "Applications of these criticalities.",
        },
        FilterSpec {
            param: "owner_user_id",
            column: "owner_user_id",
            kind: FilterKind::Uuid,
            description: "Only applications owned by this user.",
        },
        FilterSpec {
            param: "owner_group_id",
            column: "owner_group_id",
            kind: FilterKind::Uuid,
            description: "Only applications owned by this group.",
        },
        FilterSpec {
            param: "support_group_id",
            column: "support_group_id",
            kind: FilterKind::Uuid,
            description: "Only applications supported by this group.",
        },
        FilterSpec {
            param: "tag",
            column: TAG_COLUMN,
            kind: FilterKind::Text,
            description: "Only applications carrying this tag.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "app_id",
        "name",
        "description",
        "tier",
        "status",
        "lifecycle_stage",
        "owner_user_id",
        "owner_group_id",
        "support_group_id",
        "business_unit",
        "criticality",
        "tags",
        "metadata",
        "health_score",
        "health_score_updated_at",
        "version",
        "created_at",
        "updated_at",
    ],
    includes: &[],
    searchable: true,
};

/// What `GET /applications/{id}/environments` accepts.
pub const ENVIRONMENT_LIST: ListSpec = ListSpec {
    sortable: &["name", "type", "created_at", "updated_at"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "type",
            column: "type",
            kind: FilterKind::Enum(EnvironmentType::NAMES),
            description: "Environments of these kinds.",
        },
        FilterSpec {
            param: "status",
            column: "status",
            kind: FilterKind::Enum(EnvironmentStatus::NAMES),
            description: "Environments with these statuses.",
        },
    ],
    fields: &[
        "id",
        "application_id",
        "name",
        "type",
        "url",
        "cloud_provider",
        "cloud_account",
        "cloud_region",
        "resource_ids",
        "status",
        "metadata",
        "version",
        "created_at",
        "updated_at",
    ],
    includes: &[],
    searchable: false,
};

/// An application to register.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Tier.
    pub tier: Tier,
    /// `active` when absent.
    pub status: Option<ApplicationStatus>,
    /// `production` when absent.
    pub lifecycle_stage: Option<LifecycleStage>,
    /// Owning user.
    pub owner_user_id: Option<UserId>,
    /// Owning group.
    pub owner_group_id: Option<GroupId>,
    /// Supporting group.
    pub support_group_id: Option<GroupId>,
    /// Business unit.
    pub business_unit: Option<String>,
    /// Criticality.
    pub criticality: Option<Criticality>,
    /// Tags; none when absent.
    pub tags: Option<Vec<String>>,
    /// Metadata object; `{}` when absent.
    pub metadata: Option<Value>,
}

/// Changes to an application; absent fields stay as they are, `Some(None)` clears one.
#[derive(Debug, Clone, Default)]
pub struct ApplicationPatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New tier.
    pub tier: Option<Tier>,
    /// New status.
    pub status: Option<ApplicationStatus>,
    /// New lifecycle stage.
    pub lifecycle_stage: Option<LifecycleStage>,
    /// New owning user.
    pub owner_user_id: Option<Option<UserId>>,
    /// New owning group.
    pub owner_group_id: Option<Option<GroupId>>,
    /// New supporting group.
    pub support_group_id: Option<Option<GroupId>>,
    /// New business unit.
    pub business_unit: Option<Option<String>>,
    /// New criticality.
    pub criticality: Option<Option<Criticality>>,
    /// New tags, replacing the old ones.
    pub tags: Option<Vec<String>>,
    /// New metadata object, replacing the old one.
    pub metadata: Option<Value>,
}

/// An environment to add.
#[derive(Debug, Clone)]
pub struct NewEnvironment {
    /// Name, unique within the application.
    pub name: String,
    /// Kind.
    pub kind: EnvironmentType,
    /// Where it answers.
    pub url: Option<String>,
    /// Where it runs.
    pub cloud_provider: Option<CloudProvider>,
    /// Cloud account.
    pub cloud_account: Option<String>,
    /// Cloud region.
    pub cloud_region: Option<String>,
    /// Cloud resource ids; none when absent.
    pub resource_ids: Option<Vec<String>>,
    /// `active` when absent.
    pub status: Option<EnvironmentStatus>,
    /// Metadata object; `{}` when absent.
    pub metadata: Option<Value>,
}

/// Changes to an environment; absent fields stay as they are, `Some(None)` clears one.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentPatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<EnvironmentType>,
    /// New URL.
    pub url: Option<Option<String>>,
    /// New cloud provider.
    pub cloud_provider: Option<Option<CloudProvider>>,
    /// New cloud account.
    pub cloud_account: Option<Option<String>>,
    /// New cloud region.
    pub cloud_region: Option<Option<String>>,
    /// New resource ids, replacing the old ones.
    pub resource_ids: Option<Vec<String>>,
    /// New status.
    pub status: Option<EnvironmentStatus>,
    /// New metadata object, replacing the old one.
    pub metadata: Option<Value>,
}

fn event_data(a: &Application) -> ApplicationData {
    ApplicationData {
        id: a.id.0,
        app_id: a.app_id.clone(),
        name: a.name.clone(),
        tier: a.tier.as_str().to_owned(),
        status: a.status.as_str().to_owned(),
    }
}

fn environment_data(e: &Environment) -> EnvironmentData {
    EnvironmentData {
        id: e.id.0,
        application_id: e.application_id.0,
        name: e.name.clone(),
        kind: e.kind.as_str().to_owned(),
    }
}

/// An optional single-line text of at most `max` characters; blank means none.
pub(crate) fn short_text(v: &mut Validator, field: &str, value: Option<&str>, max: usize) -> Option<Option<String>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => v.check(validate::required_text(field, s, max)).map(Some),
    }
}

/// A list of distinct single-line strings (each trimmed, 1..=`max_len` characters), at most
/// `max_items` of them, duplicates dropped, order kept.
fn string_list(
    v: &mut Validator,
    field: &str,
    items: Vec<String>,
    max_items: usize,
    max_len: usize,
) -> Option<Vec<String>> {
    if items.len() > max_items {
        v.add(field, format!("must hold at most {max_items} items"));
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match validate::required_text(&format!("{field}[{i}]"), item, max_len) {
            Ok(s) => {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            Err(e) => {
                ok = false;
                v.check::<()>(Err(e));
            }
        }
    }
    ok.then_some(out)
}

pub(crate) fn metadata(v: &mut Validator, value: Value) -> Option<Value> {
    if !value.is_object() {
        v.add("metadata", "must be a JSON object");
        return None;
    }
    if value.to_string().len() > MAX_METADATA_BYTES {
        v.add(
            "metadata",
            format!("must be at most {MAX_METADATA_BYTES} bytes of JSON"),
        );
        return None;
    }
    Some(value)
}

fn environment_name(v: &mut Validator, value: &str) -> Option<String> {
    let name = v.check(validate::name("name", value))?;
    if name.chars().count() > ENVIRONMENT_NAME_MAX {
        v.add("name", format!("must be at most {ENVIRONMENT_NAME_MAX} characters"));
        return None;
    }
    Some(name)
}

fn url(v: &mut Validator, value: Option<&str>) -> Option<Option<String>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(u) => v.check(http_url("url", u)).map(Some),
    }
}

/// Checks that the owners and the support group (those that changed) are a user and groups
/// of the tenant. The other fields' errors in `v` come first (422 `validation_failed`); an
/// unknown reference alone is a 422 `invalid_reference` naming its field.
async fn check_references(
    tx: &TenantTx,
    v: Validator,
    row: &ApplicationRow,
    before: Option<&ApplicationRow>,
) -> Result<(), Error> {
    v.finish()?;
    let mut refs = Validator::new();
    if let Some(u) = row.owner_user_id
        && before.is_none_or(|b| b.owner_user_id != Some(u))
        && users::find(tx, u).await?.is_none()
    {
        refs.add("owner_user_id", "no user with this id");
    }
    for (field, id, old) in [
        (
            "owner_group_id",
            row.owner_group_id,
            before.and_then(|b| b.owner_group_id),
        ),
        (
            "support_group_id",
            row.support_group_id,
            before.and_then(|b| b.support_group_id),
        ),
    ] {
        if let Some(g) = id
            && (before.is_none() || old != Some(g))
            && groups::find(tx, g).await?.is_none()
        {
            refs.add(field, "no group with this id");
        }
    }
    refs.finish().map_err(|mut e| {
        e.code = ErrorCode::InvalidReference;
        e
    })
}

fn application_diff(before: Option<&ApplicationRow>, after: &ApplicationRow) -> Diff {
    let Some(b) = before else {
        let mut d = Diff::new()
            .created("name", &after.name)
            .created("tier", &after.tier)
            .created("status", &after.status)
            .created("lifecycle_stage", &after.lifecycle_stage);
        if after.description.is_some() {
            d = d.created("description", &after.description);
        }
        for (field, value) in [
            ("owner_user_id", after.owner_user_id.map(|u| u.0)),
            ("owner_group_id", after.owner_group_id.map(|g| g.0)),
            ("support_group_id", after.support_group_id.map(|g| g.0)),
        ] {
            if value.is_some() {
                d = d.created(field, &value);
            }
        }
        if after.business_unit.is_some() {
            d = d.created("business_unit", &after.business_unit);
        }
        if after.criticality.is_some() {
            d = d.created("criticality", &after.criticality);
        }
        if !after.tags.is_empty() {
            d = d.created("tags", &after.tags);
        }
        if after.metadata != json!({}) {
            d = d.created("metadata", &after.metadata);
        }
        return d;
    };
    Diff::new()
        .field("name", &b.name, &after.name)
        .field("description", &b.description, &after.description)
        .field("tier", &b.tier, &after.tier)
        .field("status", &b.status, &after.status)
        .field("lifecycle_stage", &b.lifecycle_stage, &after.lifecycle_stage)
        .field("owner_user_id", &b.owner_user_id, &after.owner_user_id)
        .field("owner_group_id", &b.owner_group_id, &after.owner_group_id)
        .field("support_group_id", &b.support_group_id, &after.support_group_id)
        .field("business_unit", &b.business_unit, &after.business_unit)
        .field("criticality", &b.criticality, &after.criticality)
        .field("tags", &b.tags, &after.tags)
        .field("metadata", &b.metadata, &after.metadata)
}

fn environment_diff(before: Option<&EnvironmentRow>, after: &EnvironmentRow) -> Diff {
    let empty = EnvironmentRow {
        name: String::new(),
        kind: after.kind,
        url: None,
        cloud_provider: None,
        cloud_account: None,
        cloud_region: None,
        resource_ids: Vec::new(),
        status: after.status,
        metadata: json!({}),
    };
    let (b, mut d) = match before {
        Some(b) => (
            b,
            Diff::new()
                .field("type", &b.kind, &after.kind)
                .field("status", &b.status, &after.status),
        ),
        None => (
            &empty,
            Diff::new()
                .created("type", &after.kind)
                .created("status", &after.status),
        ),
    };
    d = d
        .field("name", &b.name, &after.name)
        .field("url", &b.url, &after.url)
        .field("cloud_provider", &b.cloud_provider, &after.cloud_provider)
        .field("cloud_account", &b.cloud_account, &after.cloud_account)
        .field("cloud_region", &b.cloud_region, &after.cloud_region)
        .field("resource_ids", &b.resource_ids, &after.resource_ids)
        .field("metadata", &b.metadata, &after.metadata);
    d
}

/// The live application `id` of the caller's tenant, or 404.
async fn live(tx: &TenantTx, id: ApplicationId) -> Result<Application, Error> {
    apps::find(tx, id).await?.ok_or_else(|| Error::not_found("application"))
}

/// Validates and registers one application in `tx` (the caller checked the permission):
/// numbering, audit, status history and event, all in the transaction.
pub(crate) async fn create_in(
    tx: &TenantTx,
    ctx: &Ctx,
    input: NewApplication,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Application, Error> {
    let mut v = Validator::new();
    let name = v.check(validate::name("name", &input.name));
    let description = v.check(validate::optional_text(
        "description",
        input.description.as_deref(),
        validate::DESCRIPTION_MAX,
    ));
    let business_unit = short_text(
        &mut v,
        "business_unit",
        input.business_unit.as_deref(),
        BUSINESS_UNIT_MAX,
    );
    let tags = string_list(&mut v, "tags", input.tags.unwrap_or_default(), MAX_TAGS, TAG_MAX);
    let meta = metadata(&mut v, input.metadata.unwrap_or_else(|| json!({})));
    let (Some(name), Some(description), Some(business_unit), Some(tags), Some(meta)) =
        (name, description, business_unit, tags, meta)
    else {
        v.finish()?;
        return Err(Error::internal("validated fields missing"));
    };
    let row = ApplicationRow {
        name,
        description,
        tier: input.tier,
        status: input.status.unwrap_or(ApplicationStatus::Active),
        lifecycle_stage: input.lifecycle_stage.unwrap_or(LifecycleStage::Production),
        owner_user_id: input.owner_user_id,
        owner_group_id: input.owner_group_id,
        support_group_id: input.support_group_id,
        business_unit,
        criticality: input.criticality,
        tags,
        metadata: meta,
    };
    check_references(tx, v, &row, None).await?;
    let diff = application_diff(None, &row);
    let app_id = numbers::next(tx, NumberedEntity::Application, now).await?;
    let a = apps::insert(tx, ApplicationId::new(), app_id, row, now).await?;
    record::change(
        tx,
        ctx,
        now,
        Change::event(Event::ApplicationCreated(event_data(&a)))
            .diff(diff)
            .status(status_history::APPLICATIONS, None, a.status.as_str(), None),
    )
    .await?;
    Ok(a)
}

impl Services {
    /// Registers an application (needs `applications:create`), numbered `APP-…`.
    pub async fn create_application(&self, ctx: &Ctx, input: NewApplication) -> Result<Application, Error> {
        ctx.require(Permission::ApplicationsCreate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let a = create_in(&tx, ctx, input, now).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Lists the tenant's live applications (needs `applications:read`).
    pub async fn list_applications(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<Application>, Error> {
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = apps::list(&tx, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// One live application (needs `applications:read`).
    pub async fn get_application(&self, ctx: &Ctx, id: ApplicationId) -> Result<Application, Error> {
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let a = live(&tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Changes an application (needs `applications:update`); a stale `version` is a 409.
    pub async fn update_application(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        patch: ApplicationPatch,
    ) -> Result<Application, Error> {
        ctx.require(Permission::ApplicationsUpdate)?;
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| v.check(validate::name("name", n)));
        let description = patch.description.as_ref().map(|d| {
            v.check(validate::optional_text(
                "description",
                d.as_deref(),
                validate::DESCRIPTION_MAX,
            ))
        });
        let business_unit = patch
            .business_unit
            .as_ref()
            .map(|b| short_text(&mut v, "business_unit", b.as_deref(), BUSINESS_UNIT_MAX));
        let tags = patch
            .tags
            .clone()
            .map(|t| string_list(&mut v, "tags", t, MAX_TAGS, TAG_MAX));
        let meta = patch.metadata.clone().map(|m| metadata(&mut v, m));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = live(&tx, id).await?;
        let old = ApplicationRow::of(&before);
        let row = ApplicationRow {
            name: name.flatten().unwrap_or_else(|| old.name.clone()),
            description: description.flatten().unwrap_or_else(|| old.description.clone()),
            tier: patch.tier.unwrap_or(old.tier),
            status: patch.status.unwrap_or(old.status),
            lifecycle_stage: patch.lifecycle_stage.unwrap_or(old.lifecycle_stage),
            owner_user_id: patch.owner_user_id.unwrap_or(old.owner_user_id),
            owner_group_id: patch.owner_group_id.unwrap_or(old.owner_group_id),
            support_group_id: patch.support_group_id.unwrap_or(old.support_group_id),
            business_unit: business_unit.flatten().unwrap_or_else(|| old.business_unit.clone()),
            criticality: patch.criticality.unwrap_or(old.criticality),
            tags: tags.flatten().unwrap_or_else(|| old.tags.clone()),
            metadata: meta.flatten().unwrap_or_else(|| old.metadata.clone()),
        };
        check_references(&tx, v, &row, Some(&old)).await?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let diff = application_diff(Some(&old), &row);
        if diff.is_empty() {
            tx.commit().await?;
            return Ok(before);
        }
        let after = apps::update(&tx, id, patch.version, row, now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ApplicationUpdated(event_data(&after)))
                .diff(diff)
                .status(
                    status_history::APPLICATIONS,
                    Some(before.status.as_str()),
                    after.status.as_str(),
                    None,
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes an application (needs `applications:delete`): soft, so its audit history
    /// stays readable while it leaves every list and lookup.
    pub async fn delete_application(&self, ctx: &Ctx, id: ApplicationId) -> Result<(), Error> {
        ctx.require(Permission::ApplicationsDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let a = live(&tx, id).await?;
        if !apps::soft_delete(&tx, id, now).await? {
            return Err(Error::not_found("application"));
        }
        let diff = Diff::new().field("deleted_at", &None, &Some(now));
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ApplicationDeleted(event_data(&a))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lists an application's environments (needs `applications:read`).
    pub async fn list_environments(
        &self,
        ctx: &Ctx,
        application_id: ApplicationId,
        params: &ListParams,
    ) -> Result<Page<Environment>, Error> {
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live(&tx, application_id).await?;
        let page = apps::list_environments(&tx, application_id, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// One environment of an application (needs `applications:read`).
    pub async fn get_environment(
        &self,
        ctx: &Ctx,
        application_id: ApplicationId,
        id: EnvironmentId,
    ) -> Result<Environment, Error> {
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live(&tx, application_id).await?;
        let e = apps::find_environment(&tx, application_id, id)
            .await?
            .ok_or_else(|| Error::not_found("environment"))?;
        tx.commit().await?;
        Ok(e)
    }

    /// Adds an environment to an application (needs `applications:update`); a name the
    /// application already has is a 409 on `name`.
    pub async fn create_environment(
        &self,
        ctx: &Ctx,
        application_id: ApplicationId,
        input: NewEnvironment,
    ) -> Result<Environment, Error> {
        ctx.require(Permission::ApplicationsUpdate)?;
        let mut v = Validator::new();
        let name = environment_name(&mut v, &input.name);
        let url = url(&mut v, input.url.as_deref());
        let account = short_text(
            &mut v,
            "cloud_account",
            input.cloud_account.as_deref(),
            CLOUD_ACCOUNT_MAX,
        );
        let region = short_text(&mut v, "cloud_region", input.cloud_region.as_deref(), CLOUD_REGION_MAX);
        let resource_ids = string_list(
            &mut v,
            "resource_ids",
            input.resource_ids.unwrap_or_default(),
            MAX_RESOURCE_IDS,
            RESOURCE_ID_MAX,
        );
        let meta = metadata(&mut v, input.metadata.unwrap_or_else(|| json!({})));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, application_id).await?;
        v.finish()?;
        let (Some(name), Some(url), Some(cloud_account), Some(cloud_region), Some(resource_ids), Some(meta)) =
            (name, url, account, region, resource_ids, meta)
        else {
            return Err(Error::internal("validated fields missing"));
        };
        let row = EnvironmentRow {
            name,
            kind: input.kind,
            url,
            cloud_provider: input.cloud_provider,
            cloud_account,
            cloud_region,
            resource_ids,
            status: input.status.unwrap_or(EnvironmentStatus::Active),
            metadata: meta,
        };
        let diff = environment_diff(None, &row);
        let e = apps::insert_environment(&tx, EnvironmentId::new(), application_id, row, now).await?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::EnvironmentCreated(environment_data(&e))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Changes an environment (needs `applications:update`); a stale `version` is a 409.
    pub async fn update_environment(
        &self,
        ctx: &Ctx,
        application_id: ApplicationId,
        id: EnvironmentId,
        patch: EnvironmentPatch,
    ) -> Result<Environment, Error> {
        ctx.require(Permission::ApplicationsUpdate)?;
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| environment_name(&mut v, n));
        let url = patch.url.as_ref().map(|u| url(&mut v, u.as_deref()));
        let account = patch
            .cloud_account
            .as_ref()
            .map(|a| short_text(&mut v, "cloud_account", a.as_deref(), CLOUD_ACCOUNT_MAX));
        let region = patch
            .cloud_region
            .as_ref()
            .map(|r| short_text(&mut v, "cloud_region", r.as_deref(), CLOUD_REGION_MAX));
        let resource_ids = patch
            .resource_ids
            .clone()
            .map(|r| string_list(&mut v, "resource_ids", r, MAX_RESOURCE_IDS, RESOURCE_ID_MAX));
        let meta = patch.metadata.clone().map(|m| metadata(&mut v, m));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, application_id).await?;
        let before = apps::find_environment(&tx, application_id, id)
            .await?
            .ok_or_else(|| Error::not_found("environment"))?;
        v.finish()?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let old = EnvironmentRow::of(&before);
        let row = EnvironmentRow {
            name: name.flatten().unwrap_or_else(|| old.name.clone()),
            kind: patch.kind.unwrap_or(old.kind),
            url: url.flatten().unwrap_or_else(|| old.url.clone()),
            cloud_provider: patch.cloud_provider.unwrap_or(old.cloud_provider),
            cloud_account: account.flatten().unwrap_or_else(|| old.cloud_account.clone()),
            cloud_region: region.flatten().unwrap_or_else(|| old.cloud_region.clone()),
            resource_ids: resource_ids.flatten().unwrap_or_else(|| old.resource_ids.clone()),
            status: patch.status.unwrap_or(old.status),
            metadata: meta.flatten().unwrap_or_else(|| old.metadata.clone()),
        };
        let diff = environment_diff(Some(&old), &row);
        if diff.is_empty() {
            tx.commit().await?;
            return Ok(before);
        }
        let after = apps::update_environment(&tx, application_id, id, patch.version, row, now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::EnvironmentUpdated(environment_data(&after))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes an environment (needs `applications:update`).
    pub async fn delete_environment(
        &self,
        ctx: &Ctx,
        application_id: ApplicationId,
        id: EnvironmentId,
    ) -> Result<(), Error> {
        ctx.require(Permission::ApplicationsUpdate)?;
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, application_id).await?;
        let e = apps::find_environment(&tx, application_id, id)
            .await?
            .ok_or_else(|| Error::not_found("environment"))?;
        if !apps::delete_environment(&tx, application_id, id).await? {
            return Err(Error::not_found("environment"));
        }
        let now = self.now();
        let diff = Diff::new()
            .field("name", &Some(e.name.clone()), &None)
            .field("type", &Some(e.kind), &None);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::EnvironmentDeleted(environment_data(&e))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
