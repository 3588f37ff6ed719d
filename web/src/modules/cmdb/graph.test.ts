import { describe, expect, it } from "vitest";
import { bestLayout, buildGraph, classColour, fitScale, focusOf, highlightOf, impactAsGraph, impactRows, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from "./graph";
import type { CiSummary, GraphResponse, ImpactResponse } from "./types";

const ci = (n: number, ciClass = "server"): CiSummary => ({
  id: `id-${n}`,
  number: `CI-${String(n).padStart(5, "0")}`,
  name: `ci ${n}`,
  ci_class: ciClass,
  status: "active",
  environment: "production",
});
const edge = (id: string, s: number, t: number, type: "depends_on" | "runs_on" = "depends_on") => ({
  id,
  source_ci_id: `id-${s}`,
  target_ci_id: `id-${t}`,
  relationship_type: type,
});

describe("graph elements from the API's graph answer", () => {
  const answer: GraphResponse = {
    nodes: [
      { ...ci(2), depth: 1 },
      { ...ci(1), depth: 0 },
      { ...ci(3, "database"), depth: 2 },
      { ...ci(2), depth: 2 },
    ],
    edges: [edge("e1", 2, 1), edge("e2", 3, 2, "runs_on"), edge("e1", 2, 1), edge("e3", 9, 1)],
    truncated: false,
  };

  it("keeps each CI once at its least depth, nearest first, and marks the start", () => {
    const g = buildGraph(answer);
    expect(g.nodes.map((n) => [n.id, n.data.depth, n.data.root])).toEqual([
      ["id-1", 0, true],
      ["id-2", 1, false],
      ["id-3", 2, false],
    ]);
  });

  it("keeps edges between drawn nodes only, each once, with their type", () => {
    const g = buildGraph(answer);
    expect(g.edges).toEqual([
      { id: "e1", source: "id-2", target: "id-1", type: "depends_on" },
      { id: "e2", source: "id-3", target: "id-2", type: "runs_on" },
    ]);
  });

  it("takes the starts it is given (an application's CIs)", () => {
    const g = buildGraph(answer, new Set(["id-2", "id-3"]));
    expect(g.nodes.filter((n) => n.data.root).map((n) => n.id)).toEqual(["id-2", "id-3"]);
  });

  it("lays 200 nodes out without overlaps, sources before what they need", () => {
    const nodes = Array.from({ length: 200 }, (_, i) => ({ ...ci(i), depth: Math.min(i, 5) }));
    const edges = Array.from({ length: 199 }, (_, i) => edge(`e${i}`, i + 1, Math.floor(i / 3)));
    const g = buildGraph({ nodes, edges });
    const pos = layoutGraph(g).positions;
    expect(pos.size).toBe(200);
    const boxes = [...pos.values()];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
        expect(apart, `nodes ${i} and ${j} overlap`).toBe(true);
      }
    expect(pos.get("id-1")!.x).toBeLessThan(pos.get("id-0")!.x);
  });

  it("picks the layout that draws the nodes largest in the box", () => {
    const shapes = [
      buildGraph({
        nodes: Array.from({ length: 30 }, (_, i) => ({ ...ci(i), depth: i === 0 ? 0 : 1 })),
        edges: Array.from({ length: 29 }, (_, i) => edge(`f${i}`, i + 1, 0)),
      }),
      buildGraph({
        nodes: Array.from({ length: 8 }, (_, i) => ({ ...ci(i), depth: i })),
        edges: Array.from({ length: 7 }, (_, i) => edge(`c${i}`, i + 1, i)),
      }),
    ];
    for (const aspect of [1.8, 0.8]) {
      for (const g of shapes) {
        const best = fitScale(bestLayout(g, aspect), aspect);
        expect(best).toBeGreaterThanOrEqual(fitScale(layoutGraph(g, "LR"), aspect));
        expect(best).toBeGreaterThanOrEqual(fitScale(layoutGraph(g, "TB"), aspect));
      }
    }
    expect(bestLayout(shapes[1]!, 1.8).rankdir).toBe("TB");
    expect(bestLayout(shapes[0]!, 1.8).rankdir).toBe("LR");
  });

  it("opens a large graph on its start, or an impact's start; a small one whole", () => {
    const nodes = Array.from({ length: 60 }, (_, i) => ({ ...ci(i), depth: i === 0 ? 0 : i < 4 ? 1 : 2 }));
    const g = buildGraph({ nodes, edges: [] });
    expect(focusOf(g, null)).toEqual(["id-0"]);
    expect(focusOf(g, new Set(["id-9", "id-10"]))).toEqual(["id-9", "id-10"]);
    expect(focusOf(buildGraph({ nodes: nodes.slice(0, 10), edges: [] }), null)).toEqual([]);
  });

  it("gives the seeded classes fixed colours and any other class a stable one", () => {
    expect(classColour("server")).toBe("#2563eb");
    expect(classColour("custom_thing")).toBe(classColour("custom_thing"));
    expect(classColour("custom_thing")).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe("impact highlight", () => {
  const impact: ImpactResponse = {
    direction: "downstream",
    depth: 5,
    root: ci(1),
    nodes: [
      { ci: ci(3), depth: 2, path: ["id-1", "id-2", "id-3"], relationship_type: "runs_on" },
      { ci: ci(2), depth: 1, path: ["id-1", "id-2"], relationship_type: "depends_on" },
    ],
    edges: [edge("e1", 2, 1), edge("e2", 3, 2, "runs_on")],
    applications: [],
    services: [],
  };

  it("lights the start, every node reached and the edges between them", () => {
    const h = highlightOf(impact);
    expect([...h.roots]).toEqual(["id-1"]);
    expect([...h.reached].sort()).toEqual(["id-2", "id-3"]);
    expect([...h.edges].sort()).toEqual(["e1", "e2"]);
  });

  it("takes an application's start CIs from the paths", () => {
    const app: ImpactResponse = {
      ...impact,
      root: { id: "app-1", app_id: "APP-00001", name: "Shop", tier: "P1", status: "active" },
    };
    const h = highlightOf(app);
    expect([...h.roots]).toEqual(["id-1"]);
    expect(h.reached.has("id-1")).toBe(false);
  });

  it("lists reached CIs nearest first with their path in numbers", () => {
    expect(impactRows(impact).map((r) => [r.ci.number, r.depth, r.path, r.relationshipType])).toEqual([
      ["CI-00002", 1, "CI-00001 → CI-00002", "depends on"],
      ["CI-00003", 2, "CI-00001 → CI-00002 → CI-00003", "runs on"],
    ]);
  });

  it("draws the impact alone as a graph with its start at depth 0", () => {
    const g = buildGraph(impactAsGraph(impact));
    expect(g.nodes.map((n) => [n.id, n.data.depth, n.data.root])).toEqual([
      ["id-1", 0, true],
      ["id-2", 1, false],
      ["id-3", 2, false],
    ]);
    expect(g.edges).toHaveLength(2);
  });
});
