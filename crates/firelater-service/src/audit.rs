//! Reading the audit log: the tenant's entries, filtered, and the history of one entity.
//! Entries are written by every other use case through `record`, in the transaction of the
//! change they describe; there is no use case that changes or removes one.

use crate::Services;
use crate::ctx::Ctx;
use firelater_core::list::{Filter, FilterKind, FilterSpec, FilterValue, ListParams, ListSpec, Order, Page};
use firelater_core::{Error, ErrorCode, Permission};
use firelater_db::TenantTx;
use firelater_db::entities::audit_log;
use firelater_db::repo::{api_keys, audit, groups, roles, users};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// The longest entity type name (the column's width).
pub const MAX_ENTITY_TYPE_LEN: usize = 50;

/// The fields of an audit entry, for `fields=`.
const FIELDS: &[&str] = &[
    "id",
    "actor_id",
    "actor_type",
    "actor_name",
    "action",
    "entity_type",
    "entity_id",
    "entity_name",
    "changes",
    "ip",
    "user_agent",
    "request_id",
    "created_at",
];

/// What `GET /audit-logs` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["created_at"],
    default_sort: "created_at",
    default_order: Order::Desc,
    filters: &[
        FilterSpec {
            param: "actor_id",
            column: "actor_id",
            kind: FilterKind::Uuid,
            description: "Entries by this actor (user or API key id).",
        },
        FilterSpec {
            param: "entity_type",
            column: "entity_type",
            kind: FilterKind::Text,
            description: "Entries about this kind of entity, e.g. `user`.",
        },
        FilterSpec {
            param: "entity_id",
            column: "entity_id",
            kind: FilterKind::Uuid,
            description: "Entries about this entity.",
        },
        FilterSpec {
            param: "action",
            column: "action",
            kind: FilterKind::Text,
            description: "Exact action, e.g. `auth.login_failed`.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: FIELDS,
    includes: &[],
    searchable: false,
};

/// What `GET /audit-logs/{entityType}/{id}` accepts: paging only, oldest first.
pub const HISTORY: ListSpec = ListSpec {
    sortable: &["created_at"],
    default_sort: "created_at",
    default_order: Order::Asc,
    filters: &[],
    fields: FIELDS,
    includes: &[],
    searchable: false,
};

/// An audit entry with the names of its actor and entity, as they are now.
#[derive(Debug, Clone)]
pub struct AuditView {
    /// The entry.
    pub entry: audit_log::Model,
    /// The acting user's name or API key's name; `None` for the system, the platform operator
    /// or an actor that no longer exists.
    pub actor_name: Option<String>,
    /// The name of the entity when it is a user, group, role (its display name) or API key
    /// that still exists; `None` otherwise.
    pub entity_name: Option<String>,
}

/// The kinds of actor and entity whose names the audit log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Named {
    User,
    ApiKey,
    Group,
    Role,
}

impl Named {
    fn of(entity_type: &str) -> Option<Self> {
        match entity_type {
            "user" => Some(Self::User),
            "api_key" => Some(Self::ApiKey),
            "group" => Some(Self::Group),
            "role" => Some(Self::Role),
            _ => None,
        }
    }
}

/// Names the actors and entities of a page of entries: one query per kind present on the
/// page, whatever its length.
async fn with_names(tx: &TenantTx, page: Page<audit_log::Model>) -> Result<Page<AuditView>, Error> {
    let actor = |e: &audit_log::Model| {
        let kind = Named::of(&e.actor_type).filter(|k| matches!(k, Named::User | Named::ApiKey))?;
        Some((kind, e.actor_id?))
    };
    let entity = |e: &audit_log::Model| Some((Named::of(&e.entity_type)?, e.entity_id?));
    let wanted: BTreeSet<(Named, Uuid)> = page
        .items
        .iter()
        .flat_map(|e| [actor(e), entity(e)])
        .flatten()
        .collect();
    let mut names: HashMap<(Named, Uuid), String> = HashMap::new();
    for kind in [Named::User, Named::ApiKey, Named::Group, Named::Role] {
        let ids: Vec<Uuid> = wanted.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect();
        if ids.is_empty() {
            continue;
        }
        let found = match kind {
            Named::User => users::names_of(tx, &ids).await?,
            Named::ApiKey => api_keys::names_of(tx, &ids).await?,
            Named::Group => groups::names_of(tx, &ids).await?,
            Named::Role => roles::names_of(tx, &ids).await?,
        };
        names.extend(found.into_iter().map(|(id, name)| ((kind, id), name)));
    }
    Ok(page.map(|entry| AuditView {
        actor_name: actor(&entry).and_then(|k| names.get(&k).cloned()),
        entity_name: entity(&entry).and_then(|k| names.get(&k).cloned()),
        entry,
    }))
}

/// Checks an entity type as it appears in a path: `user`, `api_key`, … (lower-case letters,
/// digits and underscores, starting with a letter).
pub fn entity_type(value: &str) -> Result<String, Error> {
    let ok = (1..=MAX_ENTITY_TYPE_LEN).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(value.to_owned())
    } else {
        let mut e = Error::field(
            "entityType",
            format!("must be 1 to {MAX_ENTITY_TYPE_LEN} lower-case letters, digits or underscores, such as user"),
        );
        e.code = ErrorCode::BadRequest;
        Err(e)
    }
}

impl Services {
    /// Lists the tenant's audit entries, newest first unless asked otherwise (needs
    /// `audit_logs:read`).
    pub async fn list_audit_logs(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<AuditView>, Error> {
        ctx.require(Permission::AuditLogsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = audit::list(&tx, params).await?;
        let page = with_names(&tx, page).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// The history of one entity, oldest first (needs `audit_logs:read`). An entity with no
    /// entry in this tenant is a 404, so another tenant's entity looks like none at all.
    pub async fn audit_history(
        &self,
        ctx: &Ctx,
        entity_type: &str,
        entity_id: Uuid,
        params: &ListParams,
    ) -> Result<Page<AuditView>, Error> {
        ctx.require(Permission::AuditLogsRead)?;
        let entity_type = self::entity_type(entity_type)?;
        let mut params = params.clone();
        params.filters.push(Filter {
            column: "entity_type",
            value: FilterValue::Text(entity_type),
        });
        params.filters.push(Filter {
            column: "entity_id",
            value: FilterValue::Uuid(entity_id),
        });
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = audit::list(&tx, &params).await?;
        if page.total == 0 {
            return Err(Error::not_found("entity history"));
        }
        let page = with_names(&tx, page).await?;
        tx.commit().await?;
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn entity_types_are_snake_case_words() {
        for ok in ["user", "api_key", "group2"] {
            assert!(super::entity_type(ok).is_ok(), "{ok}");
        }
        for bad in ["", "User", "1user", "user-x", "a b", &"x".repeat(51)] {
            assert!(super::entity_type(bad).is_err(), "{bad}");
        }
    }
}
