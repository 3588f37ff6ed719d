//! The CMDB's use cases: classes of configuration items with their attribute schemas, the
//! configuration items (`CI-00001`, soft-deleted), the relationships between them, impact
//! analysis and the neighbourhood graph. Everything needs a `cmdb:*` permission; every
//! change is audited with its field diff and announced on the outbox in its transaction.

mod cis;
mod classes;
mod impact;
mod relationships;

pub(crate) use cis::create_ci_in;
pub use cis::{CI_LIST, CiPatch, NewCi};
pub use classes::{CLASS_LIST, ClassPatch, NewClass};
pub use firelater_db::repo::cmdb::Related;
pub use impact::{Graph, GraphNode, Impact, ImpactNode, ImpactRoot, ResultEdge};
pub(crate) use relationships::create_relationship_in;
pub use relationships::{NewRelationship, RELATED_LIST, RELATIONSHIP_LIST};

use firelater_core::Error;
use firelater_core::cmdb::ConfigItem;
use firelater_core::ids::CiId;
use firelater_db::TenantTx;
use firelater_db::repo::cmdb as repo;

/// The live CI `id` of the caller's tenant, or 404.
async fn live_ci(tx: &TenantTx, id: CiId) -> Result<ConfigItem, Error> {
    repo::find_ci(tx, id)
        .await?
        .ok_or_else(|| Error::not_found("configuration item"))
}
