//! Business services: the tenant's service portfolio (`SRV-00001`, numbered per tenant inside
//! the creating transaction), a tree through `parent_service_id` that a move can never turn
//! into a cycle, with costs kept as integer cents and rolled up over a subtree; typed
//! relationships between services (no self-links, no duplicates, both ends in the tenant);
//! stakeholders (a user in a role, once per role); and the applications that realise each
//! service. Deleting a service is soft and refused while it has live children. Every change
//! is audited, moves of a service's status go to its status history, and each is announced on
//! the outbox.

use crate::Services;
use crate::applications::{metadata, short_text};
use crate::ctx::Ctx;
use crate::record::{self, Change};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{
    ApplicationServiceData, Event, ServiceData, ServiceRelationshipData, ServiceStakeholderData,
};
use firelater_core::ids::{ApplicationId, ServiceId, ServiceRelationshipId, ServiceStakeholderId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::numbering::NumberedEntity;
use firelater_core::services::{
    self as domain, ApplicationSummary, DOMAIN_MAX, Rollup, Service, ServiceRelationship, ServiceRelationshipType,
    ServiceStakeholder, ServiceStatus, ServiceSummary, ServiceType, StakeholderRole,
};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::applications as apps;
use firelater_db::repo::services::{self as repo, ROOT_COLUMN, ServiceRow};
pub use firelater_db::repo::services::{RelationshipRow, StakeholderRow};
use firelater_db::repo::{numbers, status_history, users};
use serde_json::{Value, json};

/// What `GET /services` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &[
        "number",
        "name",
        "type",
        "status",
        "total_cost",
        "created_at",
        "updated_at",
    ],
    default_sort: "number",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "type",
            column: "type",
            kind: FilterKind::Enum(ServiceType::NAMES),
            description: "Services of these types.",
        },
        FilterSpec {
            param: "status",
            column: "status",
            kind: FilterKind::Enum(ServiceStatus::NAMES),
            description: "Services with these statuses.",
        },
        FilterSpec {
            param: "domain",
            column: "domain",
            kind: FilterKind::Text,
            description: "Only services of this domain.",
        },
        FilterSpec {
            param: "owner_id",
            column: "owner_id",
            kind: FilterKind::Uuid,
            description: "Only services owned by this user.",
        },
        FilterSpec {
            param: "parent_service_id",
            column: "parent_service_id",
            kind: FilterKind::Uuid,
            description: "Only the direct children of this service.",
        },
        FilterSpec {
            param: "root",
            column: ROOT_COLUMN,
            kind: FilterKind::Bool,
            description: "`true`: only top-level services (no parent); `false`: only the others.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "number",
        "name",
        "description",
        "domain",
        "type",
        "parent_service_id",
        "status",
        "owner_id",
        "manager_id",
        "sla_target",
        "cost_people",
        "cost_process",
        "cost_technology",
        "total_cost",
        "metadata",
        "version",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ],
    includes: &[],
    searchable: true,
};

/// What `GET /services/{id}/relationships` accepts.
pub const RELATIONSHIP_LIST: ListSpec = ListSpec {
    sortable: &["created_at", "relationship_type"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[FilterSpec {
        param: "relationship_type",
        column: "relationship_type",
        kind: FilterKind::Enum(ServiceRelationshipType::NAMES),
        description: "Relationships of these types.",
    }],
    fields: &[
        "id",
        "source_service_id",
        "target_service_id",
        "relationship_type",
        "description",
        "direction",
        "created_at",
        "created_by",
        "related_service",
    ],
    includes: &[],
    searchable: false,
};

/// What `GET /services/{id}/stakeholders` accepts.
pub const STAKEHOLDER_LIST: ListSpec = ListSpec {
    sortable: &["created_at", "role"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[FilterSpec {
        param: "role",
        column: "role",
        kind: FilterKind::Enum(StakeholderRole::NAMES),
        description: "Stakeholders in these roles.",
    }],
    fields: &[
        "id",
        "service_id",
        "user_id",
        "role",
        "created_at",
        "created_by",
        "user",
    ],
    includes: &[],
    searchable: false,
};

/// What `GET /applications/{id}/services` accepts.
pub const APPLICATION_SERVICE_LIST: ListSpec = ListSpec {
    sortable: &["number", "name"],
    default_sort: "number",
    default_order: Order::Asc,
    filters: &[],
    fields: &["id", "number", "name", "type", "status"],
    includes: &[],
    searchable: false,
};

/// What `GET /services/{id}/applications` accepts.
pub const SERVICE_APPLICATION_LIST: ListSpec = ListSpec {
    sortable: &["app_id", "name"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[],
    fields: &["id", "app_id", "name", "tier", "status"],
    includes: &[],
    searchable: false,
};

/// A service to create.
#[derive(Debug, Clone)]
pub struct NewService {
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Domain.
    pub domain: Option<String>,
    /// Type.
    pub kind: ServiceType,
    /// Parent service.
    pub parent_service_id: Option<ServiceId>,
    /// `design` when absent.
    pub status: Option<ServiceStatus>,
    /// The caller when absent.
    pub owner_id: Option<UserId>,
    /// Manager.
    pub manager_id: Option<UserId>,
    /// SLA target, a percentage.
    pub sla_target: Option<f64>,
    /// Yearly cost of people; 0 when absent.
    pub cost_people: Option<f64>,
    /// Yearly cost of process; 0 when absent.
    pub cost_process: Option<f64>,
    /// Yearly cost of technology; 0 when absent.
    pub cost_technology: Option<f64>,
    /// Metadata object; `{}` when absent.
    pub metadata: Option<Value>,
}

/// Changes to a service; absent fields stay as they are, `Some(None)` clears one.
#[derive(Debug, Clone, Default)]
pub struct ServicePatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New domain.
    pub domain: Option<Option<String>>,
    /// New type.
    pub kind: Option<ServiceType>,
    /// New parent.
    pub parent_service_id: Option<Option<ServiceId>>,
    /// New status.
    pub status: Option<ServiceStatus>,
    /// New owner.
    pub owner_id: Option<UserId>,
    /// New manager.
    pub manager_id: Option<Option<UserId>>,
    /// New SLA target.
    pub sla_target: Option<Option<f64>>,
    /// New cost of people.
    pub cost_people: Option<f64>,
    /// New cost of process.
    pub cost_process: Option<f64>,
    /// New cost of technology.
    pub cost_technology: Option<f64>,
    /// New metadata object, replacing the old one.
    pub metadata: Option<Value>,
}

/// A relationship to make from a service.
#[derive(Debug, Clone)]
pub struct NewRelationship {
    /// The service it points to.
    pub target_service_id: ServiceId,
    /// What it means.
    pub relationship_type: ServiceRelationshipType,
    /// Free text.
    pub description: Option<String>,
}

fn event_data(s: &Service) -> ServiceData {
    ServiceData {
        id: s.id.0,
        number: s.number.clone(),
        name: s.name.clone(),
        kind: s.kind.as_str().to_owned(),
        status: s.status.as_str().to_owned(),
        parent_service_id: s.parent_service_id.map(|p| p.0),
    }
}

fn relationship_data(r: &ServiceRelationship) -> ServiceRelationshipData {
    ServiceRelationshipData {
        id: r.id.0,
        source_service_id: r.source_service_id.0,
        target_service_id: r.target_service_id.0,
        relationship_type: r.relationship_type.as_str().to_owned(),
    }
}

fn stakeholder_data(s: &ServiceStakeholder) -> ServiceStakeholderData {
    ServiceStakeholderData {
        id: s.id.0,
        service_id: s.service_id.0,
        user_id: s.user_id.0,
        role: s.role.as_str().to_owned(),
    }
}

fn service_name(v: &mut Validator, value: &str) -> Option<String> {
    let name = v.check(validate::name("name", value))?;
    if name.chars().count() > domain::NAME_MAX {
        v.add("name", format!("must be at most {} characters", domain::NAME_MAX));
        return None;
    }
    Some(name)
}

fn cost(v: &mut Validator, field: &str, value: Option<f64>) -> Option<i64> {
    v.check(domain::cost_cents(field, value.unwrap_or(0.0)))
}

fn sla(v: &mut Validator, value: Option<f64>) -> Option<Option<i32>> {
    match value {
        None => Some(None),
        Some(t) => v.check(domain::sla_target("sla_target", t)).map(Some),
    }
}

/// Checks the parent, the owner and the manager (those that changed). The other fields'
/// errors in `v` come first (422 `validation_failed`); an unknown reference alone is a 422
/// `invalid_reference` naming its field; a parent below the service itself (a cycle) is a
/// 422 `validation_failed` on `parent_service_id`.
async fn check_references(
    tx: &TenantTx,
    v: Validator,
    id: Option<ServiceId>,
    row: &ServiceRow,
    before: Option<&ServiceRow>,
) -> Result<(), Error> {
    v.finish()?;
    let mut refs = Validator::new();
    if let Some(p) = row.parent_service_id
        && before.is_none_or(|b| b.parent_service_id != Some(p))
        && repo::find(tx, p).await?.is_none()
        && id != Some(p)
    {
        refs.add("parent_service_id", "no service with this id");
    }
    if before.is_none_or(|b| b.owner_id != row.owner_id) && users::find(tx, row.owner_id).await?.is_none() {
        refs.add("owner_id", "no user with this id");
    }
    if let Some(m) = row.manager_id
        && before.is_none_or(|b| b.manager_id != Some(m))
        && users::find(tx, m).await?.is_none()
    {
        refs.add("manager_id", "no user with this id");
    }
    refs.finish().map_err(|mut e| {
        e.code = ErrorCode::InvalidReference;
        e
    })?;
    if let (Some(id), Some(p)) = (id, row.parent_service_id)
        && before.is_some_and(|b| b.parent_service_id != Some(p))
    {
        repo::lock_hierarchy(tx).await?;
        if domain::creates_cycle(id, p, &repo::ancestor_ids(tx, p).await?) {
            return Err(Error::field(
                "parent_service_id",
                "the parent is this service or one below it; a service cannot be its own ancestor",
            ));
        }
    }
    Ok(())
}

fn service_diff(before: Option<&ServiceRow>, after: &ServiceRow) -> Diff {
    let Some(b) = before else {
        let mut d = Diff::new()
            .created("name", &after.name)
            .created("type", &after.kind)
            .created("status", &after.status)
            .created("owner_id", &after.owner_id.0);
        for (field, value) in [("description", &after.description), ("domain", &after.domain)] {
            if value.is_some() {
                d = d.created(field, value);
            }
        }
        for (field, value) in [
            ("parent_service_id", after.parent_service_id.map(|p| p.0)),
            ("manager_id", after.manager_id.map(|u| u.0)),
        ] {
            if value.is_some() {
                d = d.created(field, &value);
            }
        }
        if after.sla_target.is_some() {
            d = d.created("sla_target", &after.sla_target);
        }
        for (field, value) in [
            ("cost_people", after.cost_people),
            ("cost_process", after.cost_process),
            ("cost_technology", after.cost_technology),
        ] {
            if value != 0 {
                d = d.created(field, &value);
            }
        }
        if after.metadata != json!({}) {
            d = d.created("metadata", &after.metadata);
        }
        return d;
    };
    Diff::new()
        .field("name", &b.name, &after.name)
        .field("description", &b.description, &after.description)
        .field("domain", &b.domain, &after.domain)
        .field("type", &b.kind, &after.kind)
        .field("parent_service_id", &b.parent_service_id, &after.parent_service_id)
        .field("status", &b.status, &after.status)
        .field("owner_id", &b.owner_id, &after.owner_id)
        .field("manager_id", &b.manager_id, &after.manager_id)
        .field("sla_target", &b.sla_target, &after.sla_target)
        .field("cost_people", &b.cost_people, &after.cost_people)
        .field("cost_process", &b.cost_process, &after.cost_process)
        .field("cost_technology", &b.cost_technology, &after.cost_technology)
        .field("metadata", &b.metadata, &after.metadata)
}

/// The live service `id` of the caller's tenant, or 404.
async fn live(tx: &TenantTx, id: ServiceId) -> Result<Service, Error> {
    repo::find(tx, id).await?.ok_or_else(|| Error::not_found("service"))
}

/// The live application `id` of the caller's tenant, or 404.
async fn live_application(tx: &TenantTx, id: ApplicationId) -> Result<(), Error> {
    apps::find(tx, id)
        .await?
        .map(|_| ())
        .ok_or_else(|| Error::not_found("application"))
}

impl Services {
    /// Creates a service (needs `services:create`), numbered `SRV-…`; the owner is the caller
    /// unless given.
    pub async fn create_service(&self, ctx: &Ctx, input: NewService) -> Result<Service, Error> {
        ctx.require(Permission::ServicesCreate)?;
        let mut v = Validator::new();
        let name = service_name(&mut v, &input.name);
        let description = v.check(validate::optional_text(
            "description",
            input.description.as_deref(),
            validate::DESCRIPTION_MAX,
        ));
        let dom = short_text(&mut v, "domain", input.domain.as_deref(), DOMAIN_MAX);
        let sla_target = sla(&mut v, input.sla_target);
        let people = cost(&mut v, "cost_people", input.cost_people);
        let process = cost(&mut v, "cost_process", input.cost_process);
        let technology = cost(&mut v, "cost_technology", input.cost_technology);
        let meta = metadata(&mut v, input.metadata.unwrap_or_else(|| json!({})));
        let owner = input.owner_id.or_else(|| ctx.user_id());
        if owner.is_none() {
            v.add("owner_id", "is required when the caller is not a user");
        }
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let (
            Some(name),
            Some(description),
            Some(dom),
            Some(sla_target),
            Some(cost_people),
            Some(cost_process),
            Some(cost_technology),
            Some(meta),
            Some(owner_id),
        ) = (
            name,
            description,
            dom,
            sla_target,
            people,
            process,
            technology,
            meta,
            owner,
        )
        else {
            v.finish()?;
            return Err(Error::internal("validated fields missing"));
        };
        let row = ServiceRow {
            name,
            description,
            domain: dom,
            kind: input.kind,
            parent_service_id: input.parent_service_id,
            status: input.status.unwrap_or(ServiceStatus::Design),
            owner_id,
            manager_id: input.manager_id,
            sla_target,
            cost_people,
            cost_process,
            cost_technology,
            metadata: meta,
        };
        check_references(&tx, v, None, &row, None).await?;
        let diff = service_diff(None, &row);
        let number = numbers::next(&tx, NumberedEntity::Service, now).await?;
        let s = repo::insert(&tx, ServiceId::new(), number, row, ctx.user_id(), now).await?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceCreated(event_data(&s))).diff(diff).status(
                status_history::SERVICES,
                None,
                s.status.as_str(),
                None,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Lists the tenant's live services (needs `services:read`).
    pub async fn list_services(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<Service>, Error> {
        ctx.require(Permission::ServicesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = repo::list(&tx, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// One live service (needs `services:read`).
    pub async fn get_service(&self, ctx: &Ctx, id: ServiceId) -> Result<Service, Error> {
        ctx.require(Permission::ServicesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let s = live(&tx, id).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Changes a service (needs `services:update`); a stale `version` is a 409, a parent
    /// that would close a cycle a 422 on `parent_service_id`.
    pub async fn update_service(&self, ctx: &Ctx, id: ServiceId, patch: ServicePatch) -> Result<Service, Error> {
        ctx.require(Permission::ServicesUpdate)?;
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| service_name(&mut v, n));
        let description = patch.description.as_ref().map(|d| {
            v.check(validate::optional_text(
                "description",
                d.as_deref(),
                validate::DESCRIPTION_MAX,
            ))
        });
        let dom = patch
            .domain
            .as_ref()
            .map(|d| short_text(&mut v, "domain", d.as_deref(), DOMAIN_MAX));
        let sla_target = patch.sla_target.map(|t| sla(&mut v, t));
        let people = patch.cost_people.map(|c| cost(&mut v, "cost_people", Some(c)));
        let process = patch.cost_process.map(|c| cost(&mut v, "cost_process", Some(c)));
        let technology = patch.cost_technology.map(|c| cost(&mut v, "cost_technology", Some(c)));
        let meta = patch.metadata.clone().map(|m| metadata(&mut v, m));
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = live(&tx, id).await?;
        let old = ServiceRow::of(&before);
        let row = ServiceRow {
            name: name.flatten().unwrap_or_else(|| old.name.clone()),
            description: description.flatten().unwrap_or_else(|| old.description.clone()),
            domain: dom.flatten().unwrap_or_else(|| old.domain.clone()),
            kind: patch.kind.unwrap_or(old.kind),
            parent_service_id: patch.parent_service_id.unwrap_or(old.parent_service_id),
            status: patch.status.unwrap_or(old.status),
            owner_id: patch.owner_id.unwrap_or(old.owner_id),
            manager_id: patch.manager_id.unwrap_or(old.manager_id),
            sla_target: sla_target.flatten().unwrap_or(old.sla_target),
            cost_people: people.flatten().unwrap_or(old.cost_people),
            cost_process: process.flatten().unwrap_or(old.cost_process),
            cost_technology: technology.flatten().unwrap_or(old.cost_technology),
            metadata: meta.flatten().unwrap_or_else(|| old.metadata.clone()),
        };
        check_references(&tx, v, Some(id), &row, Some(&old)).await?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let diff = service_diff(Some(&old), &row);
        if diff.is_empty() {
            tx.commit().await?;
            return Ok(before);
        }
        let after = repo::update(&tx, id, patch.version, row, ctx.user_id(), now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceUpdated(event_data(&after)))
                .diff(diff)
                .status(
                    status_history::SERVICES,
                    Some(before.status.as_str()),
                    after.status.as_str(),
                    None,
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a service (needs `services:delete`): soft, so its audit history stays
    /// readable; refused with 409 `service_has_children` while it has live child services.
    pub async fn delete_service(&self, ctx: &Ctx, id: ServiceId) -> Result<(), Error> {
        ctx.require(Permission::ServicesDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        repo::lock_hierarchy(&tx).await?;
        let s = live(&tx, id).await?;
        if repo::has_live_children(&tx, id).await? {
            return Err(Error::new(
                ErrorCode::ServiceHasChildren,
                "the service has child services; move or delete them first",
            ));
        }
        if !repo::soft_delete(&tx, id, ctx.user_id(), now).await? {
            return Err(Error::not_found("service"));
        }
        let diff = Diff::new().field("deleted_at", &None, &Some(now));
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceDeleted(event_data(&s))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The roll-up of a live service over its live subtree (needs `services:read`).
    pub async fn service_rollup(&self, ctx: &Ctx, id: ServiceId) -> Result<Rollup, Error> {
        ctx.require(Permission::ServicesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live(&tx, id).await?;
        let nodes = repo::subtree(&tx, id).await?;
        tx.commit().await?;
        domain::rollup(id, &nodes).ok_or_else(|| Error::not_found("service"))
    }

    /// The relationships that start or end at a service (needs `services:read`).
    pub async fn list_service_relationships(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        params: &ListParams,
    ) -> Result<Page<RelationshipRow>, Error> {
        ctx.require(Permission::ServicesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live(&tx, id).await?;
        let page = repo::list_relationships(&tx, id, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// Links a service to another (needs `services:update`): a self-link is a 422 on
    /// `target_service_id`, an unknown target a 422 `invalid_reference`, the same link twice
    /// a 409 `already_exists`.
    pub async fn create_service_relationship(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        input: NewRelationship,
    ) -> Result<RelationshipRow, Error> {
        ctx.require(Permission::ServicesUpdate)?;
        let mut v = Validator::new();
        let description = v.check(validate::optional_text(
            "description",
            input.description.as_deref(),
            validate::DESCRIPTION_MAX,
        ));
        if input.target_service_id == id {
            v.add("target_service_id", "must be another service than the source");
        }
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, id).await?;
        v.finish()?;
        let Some(target) = repo::find(&tx, input.target_service_id).await? else {
            let mut e = Error::field("target_service_id", "no service with this id");
            e.code = ErrorCode::InvalidReference;
            return Err(e);
        };
        if repo::relationship_exists(&tx, id, target.id, input.relationship_type).await? {
            let mut e = Error::field(
                "target_service_id",
                "the service already has a relationship of this type to the target",
            );
            e.code = ErrorCode::AlreadyExists;
            e.detail = "the service already has a relationship of this type to the target".to_owned();
            return Err(e);
        }
        let r = repo::insert_relationship(
            &tx,
            id,
            target.id,
            input.relationship_type,
            description.flatten(),
            ctx.user_id(),
            now,
        )
        .await?;
        let diff = Diff::new()
            .created("source_service_id", &r.source_service_id)
            .created("target_service_id", &r.target_service_id)
            .created("relationship_type", &r.relationship_type);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceRelationshipCreated(relationship_data(&r))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(RelationshipRow {
            relationship: r,
            related: ServiceSummary {
                id: target.id,
                number: target.number,
                name: target.name,
                kind: target.kind,
                status: target.status,
            },
        })
    }

    /// Removes a relationship that starts or ends at a service (needs `services:update`).
    pub async fn delete_service_relationship(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        relationship: ServiceRelationshipId,
    ) -> Result<(), Error> {
        ctx.require(Permission::ServicesUpdate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, id).await?;
        let r = repo::find_relationship(&tx, id, relationship)
            .await?
            .ok_or_else(|| Error::not_found("relationship"))?;
        if !repo::delete_relationship(&tx, relationship).await? {
            return Err(Error::not_found("relationship"));
        }
        let diff = Diff::new().field("relationship_type", &Some(r.relationship_type), &None);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceRelationshipDeleted(relationship_data(&r))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A service's stakeholders (needs `services:read`).
    pub async fn list_service_stakeholders(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        params: &ListParams,
    ) -> Result<Page<StakeholderRow>, Error> {
        ctx.require(Permission::ServicesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live(&tx, id).await?;
        let page = repo::list_stakeholders(&tx, id, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// Gives a user a role in a service (needs `services:update`); an unknown user is a 422
    /// `invalid_reference`, the same user and role twice a 409 `already_exists`.
    pub async fn add_service_stakeholder(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        user_id: UserId,
        role: StakeholderRole,
    ) -> Result<StakeholderRow, Error> {
        ctx.require(Permission::ServicesUpdate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, id).await?;
        let Some(user) = users::find(&tx, user_id).await? else {
            let mut e = Error::field("user_id", "no user with this id");
            e.code = ErrorCode::InvalidReference;
            return Err(e);
        };
        if repo::stakeholder_exists(&tx, id, user_id, role).await? {
            let mut e = Error::field("user_id", "the user already has this role in the service");
            e.code = ErrorCode::AlreadyExists;
            e.detail = "the user already has this role in the service".to_owned();
            return Err(e);
        }
        let s = repo::insert_stakeholder(&tx, id, user_id, role, ctx.user_id(), now).await?;
        let diff = Diff::new()
            .created("service_id", &s.service_id)
            .created("user_id", &s.user_id)
            .created("role", &s.role);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceStakeholderAdded(stakeholder_data(&s))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(StakeholderRow { stakeholder: s, user })
    }

    /// Takes a stakeholder's role in a service away (needs `services:update`).
    pub async fn remove_service_stakeholder(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        stakeholder: ServiceStakeholderId,
    ) -> Result<(), Error> {
        ctx.require(Permission::ServicesUpdate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live(&tx, id).await?;
        let s = repo::find_stakeholder(&tx, id, stakeholder)
            .await?
            .ok_or_else(|| Error::not_found("stakeholder"))?;
        if !repo::delete_stakeholder(&tx, stakeholder).await? {
            return Err(Error::not_found("stakeholder"));
        }
        let diff = Diff::new().field("role", &Some(s.role), &None);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ServiceStakeholderRemoved(stakeholder_data(&s))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live services an application realises (needs `applications:read` and
    /// `services:read`).
    pub async fn list_application_services(
        &self,
        ctx: &Ctx,
        application: ApplicationId,
        params: &ListParams,
    ) -> Result<Page<ServiceSummary>, Error> {
        ctx.require(Permission::ApplicationsRead)?;
        ctx.require(Permission::ServicesRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live_application(&tx, application).await?;
        let page = repo::services_of_application(&tx, application, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// The live applications that realise a service (needs `services:read` and
    /// `applications:read`).
    pub async fn list_service_applications(
        &self,
        ctx: &Ctx,
        id: ServiceId,
        params: &ListParams,
    ) -> Result<Page<ApplicationSummary>, Error> {
        ctx.require(Permission::ServicesRead)?;
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live(&tx, id).await?;
        let page = repo::applications_of_service(&tx, id, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// Records that an application realises a service (needs `applications:update` and
    /// `services:read`). Idempotent: attaching again changes nothing and emits nothing.
    /// Returns the service in short.
    pub async fn attach_application_service(
        &self,
        ctx: &Ctx,
        application: ApplicationId,
        service: ServiceId,
    ) -> Result<ServiceSummary, Error> {
        ctx.require(Permission::ApplicationsUpdate)?;
        ctx.require(Permission::ServicesRead)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live_application(&tx, application).await?;
        let s = live(&tx, service).await?;
        if !repo::is_linked(&tx, application, service).await? {
            repo::link(&tx, application, service, ctx.user_id(), now).await?;
            let data = ApplicationServiceData {
                application_id: application.0,
                service_id: service.0,
            };
            record::change(
                &tx,
                ctx,
                now,
                Change::event(Event::ApplicationServiceLinked(data))
                    .diff(Diff::new().created("service_id", &service.0)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ServiceSummary {
            id: s.id,
            number: s.number,
            name: s.name,
            kind: s.kind,
            status: s.status,
        })
    }

    /// Removes the record that an application realises a service (needs
    /// `applications:update` and `services:read`); 404 when it was not attached.
    pub async fn detach_application_service(
        &self,
        ctx: &Ctx,
        application: ApplicationId,
        service: ServiceId,
    ) -> Result<(), Error> {
        ctx.require(Permission::ApplicationsUpdate)?;
        ctx.require(Permission::ServicesRead)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        live_application(&tx, application).await?;
        live(&tx, service).await?;
        if !repo::unlink(&tx, application, service).await? {
            return Err(Error::not_found("link between the application and the service"));
        }
        let data = ApplicationServiceData {
            application_id: application.0,
            service_id: service.0,
        };
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::ApplicationServiceUnlinked(data)).diff(Diff::new().field(
                "service_id",
                &Some(service.0),
                &None,
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
