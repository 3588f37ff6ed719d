//! Impact analysis and the neighbourhood graph, from a CI or from an application's live CIs:
//! one recursive query walks the relationships (`repo::cmdb::walk`), and
//! `core::cmdb::impact::fold` keeps each CI once at its least depth with one path back.

use super::live_ci;
use crate::Services;
use crate::ctx::Ctx;
use firelater_core::applications::Application;
use firelater_core::cmdb::impact::{fold, propagating_types};
use firelater_core::cmdb::{CiSummary, ImpactDirection, MAX_GRAPH_NODES, RelationshipType};
use firelater_core::ids::{ApplicationId, CiId};
use firelater_core::{Error, Permission};
use firelater_db::repo::applications as apps;
use firelater_db::repo::cmdb::{self as repo, WalkEdges, WalkStart, WalkStep};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;
use uuid::Uuid;

/// Where an analysis started.
#[derive(Debug, Clone)]
pub enum ImpactRoot {
    /// A CI.
    Ci(CiSummary),
    /// An application.
    Application(Application),
}

/// A CI an analysis reached.
#[derive(Debug, Clone)]
pub struct ImpactNode {
    /// The CI.
    pub ci: CiSummary,
    /// Its least depth.
    pub depth: u32,
    /// CI ids from a start CI to it, inclusive.
    pub path: Vec<Uuid>,
    /// The type of the edge that reached it; `None` for a start CI.
    pub relationship_type: Option<RelationshipType>,
}

/// An edge among the result's CIs: `(id, source, target, type)`.
pub type ResultEdge = (Uuid, Uuid, Uuid, RelationshipType);

/// The result of an impact analysis.
#[derive(Debug, Clone)]
pub struct Impact {
    /// Which way it walked.
    pub direction: ImpactDirection,
    /// How deep.
    pub depth: u32,
    /// Where it started.
    pub root: ImpactRoot,
    /// The CIs reached, nearest first (for an application start, its CIs at depth 0).
    pub nodes: Vec<ImpactNode>,
    /// The relationships followed.
    pub edges: Vec<ResultEdge>,
    /// The live applications of the reached CIs, other than the start application.
    pub applications: Vec<Application>,
    /// The business services of the reached CIs.
    pub services: Vec<Uuid>,
}

/// A CI of a neighbourhood graph.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// The CI.
    pub ci: CiSummary,
    /// Steps from the start.
    pub depth: u32,
}

/// A neighbourhood graph.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The CIs, nearest first.
    pub nodes: Vec<GraphNode>,
    /// The relationships among them.
    pub edges: Vec<ResultEdge>,
    /// Whether CIs were left out to stay within [`MAX_GRAPH_NODES`].
    pub truncated: bool,
}

static PROPAGATING: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| propagating_types().into_iter().map(RelationshipType::as_str).collect());

struct Folded {
    nodes: Vec<ImpactNode>,
    edges: Vec<ResultEdge>,
}

fn fold_steps(steps: &[WalkStep], keep_start: bool, limit: Option<usize>) -> (Folded, bool) {
    let rows: Vec<_> = steps.iter().map(|s| s.row.clone()).collect();
    let (reached, _) = fold(&rows);
    let summaries: HashMap<Uuid, &CiSummary> = steps.iter().map(|s| (s.row.ci, &s.ci)).collect();
    let mut nodes: Vec<ImpactNode> = reached
        .into_iter()
        .filter(|r| keep_start || r.depth > 0)
        .filter_map(|r| {
            summaries.get(&r.ci).map(|c| ImpactNode {
                ci: (*c).clone(),
                depth: r.depth,
                path: r.path,
                relationship_type: r.rel_type,
            })
        })
        .collect();
    let mut truncated = false;
    if let Some(max) = limit
        && nodes.len() > max
    {
        nodes.truncate(max);
        truncated = true;
    }
    let mut kept: HashSet<Uuid> = nodes.iter().map(|n| n.ci.id.0).collect();
    kept.extend(steps.iter().filter(|s| s.row.depth == 0).map(|s| s.row.ci));
    let mut seen = HashSet::new();
    let mut edges: Vec<ResultEdge> = steps
        .iter()
        .filter_map(|s| {
            let ((src, dst), (rel, kind)) = (s.ends?, (s.row.rel?, s.row.rel_type?));
            (kept.contains(&src) && kept.contains(&dst) && seen.insert(rel)).then_some((rel, src, dst, kind))
        })
        .collect();
    edges.sort();
    (Folded { nodes, edges }, truncated)
}

impl Services {
    /// What a failure of CI `id` reaches (`downstream`) or what it needs (`upstream`), up to
    /// `depth` steps (needs `cmdb:read`).
    pub async fn ci_impact(
        &self,
        ctx: &Ctx,
        id: CiId,
        direction: ImpactDirection,
        depth: u32,
    ) -> Result<Impact, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let root = live_ci(&tx, id).await?;
        let steps = repo::walk(&tx, WalkStart::Ci(id), edges_for(direction), depth).await?;
        let (f, _) = fold_steps(&steps, false, None);
        let (applications, services) = affected(&tx, &f.nodes, None).await?;
        tx.commit().await?;
        Ok(Impact {
            direction,
            depth,
            root: ImpactRoot::Ci(CiSummary::from(&root)),
            nodes: f.nodes,
            edges: f.edges,
            applications,
            services,
        })
    }

    /// The impact analysis of an application: from its live CIs (at depth 0), needing
    /// `cmdb:read` and `applications:read`.
    pub async fn application_impact(
        &self,
        ctx: &Ctx,
        id: ApplicationId,
        direction: ImpactDirection,
        depth: u32,
    ) -> Result<Impact, Error> {
        ctx.require(Permission::CmdbRead)?;
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let app = apps::find(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("application"))?;
        let steps = repo::walk(&tx, WalkStart::Application(id), edges_for(direction), depth).await?;
        let (f, _) = fold_steps(&steps, true, None);
        let (applications, services) = affected(&tx, &f.nodes, Some(id)).await?;
        tx.commit().await?;
        Ok(Impact {
            direction,
            depth,
            root: ImpactRoot::Application(app),
            nodes: f.nodes,
            edges: f.edges,
            applications,
            services,
        })
    }

    /// The neighbourhood of CI `id` over every relationship in both directions, up to
    /// `depth` steps and [`MAX_GRAPH_NODES`] CIs, nearest first (needs `cmdb:read`).
    pub async fn ci_graph(&self, ctx: &Ctx, id: CiId, depth: u32) -> Result<Graph, Error> {
        ctx.require(Permission::CmdbRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        live_ci(&tx, id).await?;
        let steps = repo::walk(&tx, WalkStart::Ci(id), WalkEdges::Both, depth).await?;
        tx.commit().await?;
        Ok(graph(&steps))
    }

    /// The neighbourhood of an application's live CIs (needs `cmdb:read` and
    /// `applications:read`).
    pub async fn application_graph(&self, ctx: &Ctx, id: ApplicationId, depth: u32) -> Result<Graph, Error> {
        ctx.require(Permission::CmdbRead)?;
        ctx.require(Permission::ApplicationsRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        apps::find(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("application"))?;
        let steps = repo::walk(&tx, WalkStart::Application(id), WalkEdges::Both, depth).await?;
        tx.commit().await?;
        Ok(graph(&steps))
    }
}

fn edges_for(direction: ImpactDirection) -> WalkEdges {
    match direction {
        ImpactDirection::Downstream => WalkEdges::Backward(PROPAGATING.as_slice()),
        ImpactDirection::Upstream => WalkEdges::Forward(PROPAGATING.as_slice()),
    }
}

fn graph(steps: &[WalkStep]) -> Graph {
    let (f, truncated) = fold_steps(steps, true, Some(MAX_GRAPH_NODES));
    Graph {
        nodes: f
            .nodes
            .into_iter()
            .map(|n| GraphNode {
                ci: n.ci,
                depth: n.depth,
            })
            .collect(),
        edges: f.edges,
        truncated,
    }
}

async fn affected(
    tx: &firelater_db::TenantTx,
    nodes: &[ImpactNode],
    start: Option<ApplicationId>,
) -> Result<(Vec<Application>, Vec<Uuid>), Error> {
    let app_ids: BTreeSet<Uuid> = nodes
        .iter()
        .filter_map(|n| n.ci.application_id)
        .filter(|a| Some(*a) != start)
        .map(|a| a.0)
        .collect();
    let services: BTreeSet<Uuid> = nodes.iter().filter_map(|n| n.ci.service_id).collect();
    let applications = repo::live_applications(tx, app_ids.into_iter().collect()).await?;
    Ok((applications, services.into_iter().collect()))
}
