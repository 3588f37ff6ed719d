//! Classes of configuration items: a slug name unique in the tenant, a label, and an
//! optional attribute schema from the subset `core::cmdb::schema` enforces. A class with live
//! CIs cannot be deleted or renamed (409 `class_in_use`); changing its schema rewrites no CI.

use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use firelater_core::audit::Diff;
use firelater_core::cmdb::{CLASS_LABEL_MAX, CiClass, MAX_SCHEMA_BYTES, class_name, schema};
use firelater_core::error::Validator;
use firelater_core::events::{CiClassData, Event};
use firelater_core::ids::CiClassId;
use firelater_core::list::{ListParams, Page};
use firelater_core::list::{ListSpec, Order};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::cmdb::{self as repo, ClassRow};
use serde_json::Value;

/// What `GET /cmdb/classes` accepts.
pub const CLASS_LIST: ListSpec = ListSpec {
    sortable: &["name", "label", "created_at", "updated_at"],
    default_sort: "name",
    default_order: Order::Asc,
    filters: &[],
    fields: &[
        "id",
        "name",
        "label",
        "description",
        "attribute_schema",
        "ci_count",
        "version",
        "created_at",
        "updated_at",
    ],
    includes: &[],
    searchable: true,
};

/// A class to add.
#[derive(Debug, Clone)]
pub struct NewClass {
    /// Slug.
    pub name: String,
    /// Label.
    pub label: String,
    /// Description.
    pub description: Option<String>,
    /// Attribute schema.
    pub attribute_schema: Option<Value>,
}

/// Changes to a class; absent fields stay, `Some(None)` clears one.
#[derive(Debug, Clone, Default)]
pub struct ClassPatch {
    /// The version the client last saw.
    pub version: i32,
    /// New name.
    pub name: Option<String>,
    /// New label.
    pub label: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New schema.
    pub attribute_schema: Option<Option<Value>>,
}

fn data(c: &CiClass) -> CiClassData {
    CiClassData {
        id: c.id.0,
        name: c.name.clone(),
        label: c.label.clone(),
    }
}

fn check_schema(v: &mut Validator, s: Option<Value>) -> Option<Option<Value>> {
    let Some(s) = s else {
        return Some(None);
    };
    if s.to_string().len() > MAX_SCHEMA_BYTES {
        v.add(
            "attribute_schema",
            format!("must be at most {MAX_SCHEMA_BYTES} bytes of JSON"),
        );
        return None;
    }
    match schema::check_schema(&s) {
        Ok(()) => Some(Some(s)),
        Err(problems) => {
            for p in problems {
                v.add("attribute_schema", format!("{}: {}", p.path, p.message));
            }
            None
        }
    }
}

/// Serialises the transactions that create, reclassify or delete CIs of class `name` with
/// those that delete or rename it, so no CI is left with a class that no longer exists.
pub(super) async fn lock_class(tx: &TenantTx, name: &str) -> Result<(), Error> {
    firelater_db::dialect::lock_tenant_key(tx.conn(), tx.tenant(), &format!("ci_class:{name}"))
        .await
        .map_err(firelater_db::db_err)
}

fn in_use(c: &CiClass, what: &str) -> Result<(), Error> {
    if c.ci_count > 0 {
        return Err(Error::new(
            ErrorCode::ClassInUse,
            format!("the class {} has {} configuration items; {what}", c.name, c.ci_count),
        ));
    }
    Ok(())
}

async fn found(tx: &TenantTx, id: CiClassId) -> Result<CiClass, Error> {
    repo::find_class(tx, id).await?.ok_or_else(|| Error::not_found("class"))
}

impl Services {
    /// Adds a class (needs `cmdb:create`); a taken name is a 409.
    pub async fn create_ci_class(&self, ctx: &Ctx, input: NewClass) -> Result<CiClass, Error> {
        ctx.require(Permission::CmdbCreate)?;
        let mut v = Validator::new();
        let name = v.check(class_name("name", &input.name));
        let label = v.check(validate::required_text("label", &input.label, CLASS_LABEL_MAX));
        let description = v.check(validate::optional_text(
            "description",
            input.description.as_deref(),
            validate::DESCRIPTION_MAX,
        ));
        let schema = check_schema(&mut v, input.attribute_schema);
        v.finish()?;
        let (Some(name), Some(label), Some(description), Some(attribute_schema)) = (name, label, description, schema)
        else {
            return Err(Error::internal("validated fields missing"));
        };
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let row = ClassRow {
            name,
            label,
            description,
            attribute_schema,
        };
        let mut diff = Diff::new().created("name", &row.name).created("label", &row.label);
        if row.description.is_some() {
            diff = diff.created("description", &row.description);
        }
        if row.attribute_schema.is_some() {
            diff = diff.created("attribute_schema", &row.attribute_schema);
        }
        let c = repo::insert_class(&tx, CiClassId::new(), row, now).await?;
        record::change(&tx, ctx, now, Change::event(Event::CiClassCreated(data(&c))).diff(diff)).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Lists the tenant's classes with their CI counts (needs `cmdb:read`).
    pub async fn list_ci_classes(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<CiClass>, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = repo::list_classes(&tx, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// One class (needs `cmdb:read`).
    pub async fn get_ci_class(&self, ctx: &Ctx, id: CiClassId) -> Result<CiClass, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let c = found(&tx, id).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Changes a class (needs `cmdb:update`); a stale `version` is a 409, renaming a class
    /// in use a 409 `class_in_use`. Existing CIs are not revalidated against a new schema.
    pub async fn update_ci_class(&self, ctx: &Ctx, id: CiClassId, patch: ClassPatch) -> Result<CiClass, Error> {
        ctx.require(Permission::CmdbUpdate)?;
        let mut v = Validator::new();
        let name = patch.name.as_deref().map(|n| v.check(class_name("name", n)));
        let label = patch
            .label
            .as_deref()
            .map(|l| v.check(validate::required_text("label", l, CLASS_LABEL_MAX)));
        let description = patch.description.as_ref().map(|d| {
            v.check(validate::optional_text(
                "description",
                d.as_deref(),
                validate::DESCRIPTION_MAX,
            ))
        });
        let schema = patch.attribute_schema.clone().map(|s| check_schema(&mut v, s));
        v.finish()?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = found(&tx, id).await?;
        if before.version != patch.version {
            return Err(Error::version_conflict(before.version));
        }
        let old = ClassRow::of(&before);
        let row = ClassRow {
            name: name.flatten().unwrap_or_else(|| old.name.clone()),
            label: label.flatten().unwrap_or_else(|| old.label.clone()),
            description: description.flatten().unwrap_or_else(|| old.description.clone()),
            attribute_schema: schema.flatten().unwrap_or_else(|| old.attribute_schema.clone()),
        };
        if row.name != old.name {
            lock_class(&tx, &old.name).await?;
            let current = found(&tx, id).await?;
            in_use(&current, "rename it only when none has it")?;
        }
        let diff = Diff::new()
            .field("name", &old.name, &row.name)
            .field("label", &old.label, &row.label)
            .field("description", &old.description, &row.description)
            .field("attribute_schema", &old.attribute_schema, &row.attribute_schema);
        if diff.is_empty() {
            tx.commit().await?;
            return Ok(before);
        }
        let after = repo::update_class(&tx, id, patch.version, row, now)
            .await?
            .ok_or_else(|| Error::version_conflict(before.version + 1))?;
        record::change(
            &tx,
            ctx,
            now,
            Change::event(Event::CiClassUpdated(data(&after))).diff(diff),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a class (needs `cmdb:delete`); one that live CIs have is a 409 `class_in_use`.
    pub async fn delete_ci_class(&self, ctx: &Ctx, id: CiClassId) -> Result<(), Error> {
        ctx.require(Permission::CmdbDelete)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let c = found(&tx, id).await?;
        lock_class(&tx, &c.name).await?;
        let c = found(&tx, id).await?;
        in_use(&c, "move or delete them first")?;
        if !repo::delete_class(&tx, id).await? {
            return Err(Error::not_found("class"));
        }
        let diff = Diff::new().field("name", &Some(c.name.clone()), &None);
        record::change(&tx, ctx, now, Change::event(Event::CiClassDeleted(data(&c))).diff(diff)).await?;
        tx.commit().await?;
        Ok(())
    }
}
