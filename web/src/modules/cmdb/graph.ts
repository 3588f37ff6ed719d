/**
 * The relationship graph's pure parts: nodes and edges from the API's graph or impact answer,
 * a layered layout (dagre), a colour per CI class, and the sets an impact analysis highlights.
 */
import dagre from "@dagrejs/dagre";
import type { CiSummary, GraphEdge, GraphResponse, ImpactResponse, RelationshipType } from "./types";

/** The node box the layout reserves: wide enough for "CI-00012" and a 24-character name. */
export const NODE_WIDTH = 188;
export const NODE_HEIGHT = 52;

const KNOWN_CLASS_COLOURS: Record<string, string> = {
  server: "#2563eb",
  database: "#7c3aed",
  application: "#059669",
  network_device: "#d97706",
  load_balancer: "#db2777",
  container: "#0891b2",
  function: "#65a30d",
  storage: "#9333ea",
  queue: "#ea580c",
  dns_record: "#4f46e5",
  certificate: "#b45309",
};
const SPARE_COLOURS = ["#0d9488", "#c026d3", "#dc2626", "#475569", "#16a34a", "#0284c7"];

/** A class's colour: fixed for the seeded classes, a stable pick from a spare set for others. */
export function classColour(ciClass: string): string {
  const known = KNOWN_CLASS_COLOURS[ciClass];
  if (known) return known;
  let h = 0;
  for (const ch of ciClass) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return SPARE_COLOURS[h % SPARE_COLOURS.length]!;
}

export const RELATIONSHIP_LABELS: Record<RelationshipType, string> = {
  runs_on: "runs on",
  depends_on: "depends on",
  connects_to: "connects to",
  manages: "manages",
  part_of: "part of",
  backed_up_by: "backed up by",
  replicates_to: "replicates to",
};

export type GraphNodeData = {
  ci: CiSummary;
  /** Steps from the start (0 for the start itself). */
  depth: number;
  /** The CI the graph is drawn around (or one of an application's CIs). */
  root: boolean;
};

export interface GraphModel {
  nodes: { id: string; data: GraphNodeData }[];
  edges: { id: string; source: string; target: string; type: RelationshipType }[];
}

/**
 * The graph's nodes (each CI once, at its least depth) and the edges whose both ends are
 * drawn. `roots` are the ids drawn as the start.
 */
export function buildGraph(
  answer: Pick<GraphResponse, "nodes" | "edges">,
  roots: ReadonlySet<string> = new Set(answer.nodes.filter((n) => n.depth === 0).map((n) => n.id)),
): GraphModel {
  const byId = new Map<string, GraphNodeData>();
  for (const n of answer.nodes) {
    const { depth, ...ci } = n;
    const seen = byId.get(n.id);
    if (!seen || depth < seen.depth) byId.set(n.id, { ci, depth, root: roots.has(n.id) });
  }
  const edges: GraphModel["edges"] = [];
  const edgeIds = new Set<string>();
  for (const e of answer.edges) {
    if (!byId.has(e.source_ci_id) || !byId.has(e.target_ci_id) || edgeIds.has(e.id)) continue;
    edgeIds.add(e.id);
    edges.push({ id: e.id, source: e.source_ci_id, target: e.target_ci_id, type: e.relationship_type });
  }
  const nodes = [...byId.entries()]
    .map(([id, data]) => ({ id, data }))
    .sort((a, b) => a.data.depth - b.data.depth || a.data.ci.number.localeCompare(b.data.ci.number));
  return { nodes, edges };
}

export type RankDir = "LR" | "TB";

export interface Layout {
  rankdir: RankDir;
  /** Each node's top-left corner. */
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

/**
 * Top-left positions from a layered layout: with "LR" sources left and what they need right,
 * with "TB" sources above, so "depends on" reads one way through the whole graph.
 */
export function layoutGraph(model: GraphModel, rankdir: RankDir = "LR"): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir, nodesep: rankdir === "LR" ? 18 : 24, ranksep: rankdir === "LR" ? 70 : 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of model.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of model.edges) g.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  let width = 0;
  let height = 0;
  for (const n of model.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    const at = p ? { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 } : { x: 0, y: 0 };
    positions.set(n.id, at);
    width = Math.max(width, at.x + NODE_WIDTH);
    height = Math.max(height, at.y + NODE_HEIGHT);
  }
  return { rankdir, positions, width, height };
}

/** How large a layout is drawn when fitted into a box of the given aspect (width / height), up to a constant. */
export function fitScale(l: Pick<Layout, "width" | "height">, aspect: number): number {
  return Math.min(aspect / Math.max(l.width, 1), 1 / Math.max(l.height, 1));
}

/**
 * Of the two layered layouts (left to right, top to bottom), the one whose nodes come out
 * largest when the whole graph is fitted into a box of the given aspect.
 */
export function bestLayout(model: GraphModel, aspect = 1.8): Layout {
  const lr = layoutGraph(model, "LR");
  if (model.nodes.length < 2) return lr;
  const tb = layoutGraph(model, "TB");
  return fitScale(tb, aspect) > fitScale(lr, aspect) ? tb : lr;
}

/**
 * Where a large graph first opens: on its start (the CI, an application's CIs, an impact's
 * start), at a zoom that reads; "Fit to view" shows the whole. A small graph shows whole (none).
 */
export function focusOf(model: GraphModel, roots: ReadonlySet<string> | null, limit = 40): string[] {
  if (model.nodes.length <= limit) return [];
  return model.nodes.filter((n) => (roots ? roots.has(n.id) : n.data.root)).map((n) => n.id);
}

/** What an impact analysis lights up in the graph: the start, every node reached, their edges. */
export interface Highlight {
  roots: Set<string>;
  reached: Set<string>;
  edges: Set<string>;
}

function isCiSummary(root: ImpactResponse["root"]): root is CiSummary {
  return "number" in root;
}

export function highlightOf(impact: ImpactResponse): Highlight {
  const roots = new Set<string>();
  if (isCiSummary(impact.root)) roots.add(impact.root.id);
  for (const n of impact.nodes) {
    const start = n.path[0];
    if (start !== undefined && start !== n.ci.id) roots.add(start);
    if (n.depth === 0) roots.add(n.ci.id);
  }
  const reached = new Set<string>();
  for (const n of impact.nodes) if (!roots.has(n.ci.id)) reached.add(n.ci.id);
  const lit = new Set([...roots, ...reached]);
  const edges = new Set<string>();
  for (const e of impact.edges) if (lit.has(e.source_ci_id) && lit.has(e.target_ci_id)) edges.add(e.id);
  return { roots, reached, edges };
}

/** The graph answer for an impact analysis alone: its start, its nodes and its edges. */
export function impactAsGraph(impact: ImpactResponse): GraphResponse {
  const nodes: GraphResponse["nodes"] = [];
  if (isCiSummary(impact.root)) nodes.push({ ...impact.root, depth: 0 });
  for (const n of impact.nodes) nodes.push({ ...n.ci, depth: n.depth });
  return { nodes, edges: impact.edges as GraphEdge[], truncated: false };
}

export interface ImpactRow {
  ci: CiSummary;
  depth: number;
  relationshipType: string;
  /** The path as CI numbers joined by arrows. */
  path: string;
}

/** The reached CIs nearest first, each with its path written in CI numbers. */
export function impactRows(impact: ImpactResponse, known: ReadonlyMap<string, CiSummary> = new Map()): ImpactRow[] {
  const numbers = new Map<string, string>();
  for (const [id, ci] of known) numbers.set(id, ci.number);
  if (isCiSummary(impact.root)) numbers.set(impact.root.id, impact.root.number);
  for (const n of impact.nodes) numbers.set(n.ci.id, n.ci.number);
  return impact.nodes
    .filter((n) => n.depth > 0)
    .sort((a, b) => a.depth - b.depth || a.ci.number.localeCompare(b.ci.number))
    .map((n) => ({
      ci: n.ci,
      depth: n.depth,
      relationshipType: n.relationship_type ? (RELATIONSHIP_LABELS[n.relationship_type] ?? n.relationship_type) : "start",
      path: n.path.map((id) => numbers.get(id) ?? id.slice(0, 8)).join(" → "),
    }));
}
