//! Relationships between configuration items: two different live CIs of the tenant, once per
//! type; created and deleted, never changed.

use super::live_ci;
use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use firelater_core::audit::Diff;
use firelater_core::cmdb::{CiRelationship, RelationshipType};
use firelater_core::error::Validator;
use firelater_core::events::{CiRelationshipData, Event};
use firelater_core::ids::{CiId, CiRelationshipId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::cmdb::{self as repo, EITHER_END_COLUMN, Related};
use uuid::Uuid;

/// What `GET /cmdb/relationships` accepts.
pub const RELATIONSHIP_LIST: ListSpec = ListSpec {
    sortable: &["created_at", "relationship_type"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[
        FilterSpec {
            param: "source_ci_id",
            column: "source_ci_id",
            kind: FilterKind::Uuid,
            description: "Only relationships from this CI.",
        },
        FilterSpec {
            param: "target_ci_id",
            column: "target_ci_id",
            kind: FilterKind::Uuid,
            description: "Only relationships to this CI.",
        },
        FilterSpec {
            param: "relationship_type",
            column: "relationship_type",
            kind: FilterKind::Enum(RelationshipType::NAMES),
            description: "Relationships of these types.",
        },
        FilterSpec {
            param: "ci_id",
            column: EITHER_END_COLUMN,
            kind: FilterKind::Uuid,
            description: "Only relationships with this CI at either end.",
        },
    ],
    fields: &[
        "id",
        "source_ci_id",
        "target_ci_id",
        "relationship_type",
        "description",
        "created_by",
        "created_at",
    ],
    includes: &[],
    searchable: false,
};

/// What `GET /cmdb/cis/{id}/relationships` accepts: paging only, oldest first.
pub const RELATED_LIST: ListSpec = ListSpec {
    sortable: &["created_at"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[],
    fields: &[],
    includes: &[],
    searchable: false,
};

/// A relationship to add.
#[derive(Debug, Clone)]
pub struct NewRelationship {
    /// Source.
    pub source_ci_id: CiId,
    /// Target.
    pub target_ci_id: CiId,
    /// Type.
    pub relationship_type: RelationshipType,
    /// Description.
    pub description: Option<String>,
}

fn data(r: &CiRelationship) -> CiRelationshipData {
    CiRelationshipData {
        id: r.id.0,
        source_ci_id: r.source_ci_id.0,
        target_ci_id: r.target_ci_id.0,
        relationship_type: r.relationship_type.as_str().to_owned(),
    }
}

/// Validates and adds one relationship in `tx` (the caller checked the permission), with
/// its audit and event.
pub(crate) async fn create_relationship_in(
    tx: &TenantTx,
    ctx: &Ctx,
    input: NewRelationship,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CiRelationship, Error> {
    let mut v = Validator::new();
    let description = v.check(validate::optional_text(
        "description",
        input.description.as_deref(),
        validate::DESCRIPTION_MAX,
    ));
    if input.source_ci_id == input.target_ci_id {
        v.add("target_ci_id", "must differ from source_ci_id");
    }
    v.finish()?;
    let description = description.flatten();
    let mut refs = Validator::new();
    for (field, id) in [
        ("source_ci_id", input.source_ci_id),
        ("target_ci_id", input.target_ci_id),
    ] {
        if repo::find_ci(tx, id).await?.is_none() {
            refs.add(field, "no configuration item with this id");
        }
    }
    refs.finish().map_err(|mut e| {
        e.code = ErrorCode::InvalidReference;
        e
    })?;
    let by = UserId(ctx.actor_id().unwrap_or(Uuid::nil()));
    let r = repo::insert_rel(
        tx,
        CiRelationshipId::new(),
        repo::RelRow {
            source: input.source_ci_id,
            target: input.target_ci_id,
            kind: input.relationship_type,
            description,
        },
        by,
        now,
    )
    .await?;
    let mut diff = Diff::new()
        .created("source_ci_id", &r.source_ci_id.0)
        .created("target_ci_id", &r.target_ci_id.0)
        .created("relationship_type", &r.relationship_type);
    if r.description.is_some() {
        diff = diff.created("description", &r.description);
    }
    record::change(
        tx,
        ctx,
        now,
        Change::event(Event::CiRelationshipCreated(data(&r))).diff(diff),
    )
    .await?;
    Ok(r)
}

impl Services {
    /// Relates two CIs (needs `cmdb:create`): a self-link is a 422 on `target_ci_id`, an end
    /// that is no live CI of the tenant a 422 `invalid_reference`, a duplicate a 409.
    pub async fn create_ci_relationship(&self, ctx: &Ctx, input: NewRelationship) -> Result<CiRelationship, Error> {
        ctx.require(Permission::CmdbCreate)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let r = create_relationship_in(&tx, ctx, input, now).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Lists relationships between live CIs (needs `cmdb:read`).
    pub async fn list_ci_relationships(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<CiRelationship>, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = repo::list_rels(&tx, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// One relationship between live CIs (needs `cmdb:read`).
    pub async fn get_ci_relationship(&self, ctx: &Ctx, id: CiRelationshipId) -> Result<CiRelationship, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let r = repo::find_rel(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("relationship"))?;
        tx.commit().await?;
        Ok(r)
    }

    /// Removes a relationship (needs `cmdb:delete`).
    pub async fn delete_ci_relationship(&self, ctx: &Ctx, id: CiRelationshipId) -> Result<(), Error> {
        ctx.require(Permission::CmdbDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let r = repo::find_rel(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("relationship"))?;
        if !repo::delete_rel(&tx, id).await? {
            return Err(Error::not_found("relationship"));
        }
        let diff = Diff::new().field("relationship_type", &Some(r.relationship_type), &None);
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::CiRelationshipDeleted(data(&r))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The relationships of a live CI in both directions, each with the CI at its other end
    /// (needs `cmdb:read`).
    pub async fn ci_relationships_of(&self, ctx: &Ctx, id: CiId, params: &ListParams) -> Result<Page<Related>, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live_ci(&tx, id).await?;
        let page = repo::relationships_of(&tx, id, params).await?;
        tx.commit().await?;
        Ok(page)
    }
}
