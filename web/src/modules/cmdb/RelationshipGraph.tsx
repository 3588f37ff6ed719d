/**
 * The relationship graph around a CI or an application: React Flow draws it (pan, zoom, a
 * click on a CI opens it), dagre lays it out in layers, and the same nodes and edges are
 * listed under it for keyboard and screen-reader users. Loaded on demand (`React.lazy`), so
 * the graph library stays out of the other pages' JavaScript.
 */
import "@xyflow/react/dist/style.css";
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from "@xyflow/react";
import { Maximize } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { bestLayout, buildGraph, classColour, focusOf, NODE_HEIGHT, NODE_WIDTH, RELATIONSHIP_LABELS, type GraphNodeData, type Highlight } from "./graph";
import type { GraphResponse } from "./types";

type CiNodeData = GraphNodeData & { dim: boolean; lit: boolean; classLabel: string; vertical: boolean };
type CiNode = Node<CiNodeData, "ci">;

function CiNodeView({ data }: NodeProps<CiNode>) {
  const { ci, root, dim, lit, classLabel, vertical } = data;
  return (
    <div
      className={cn(
        "flex h-full w-full cursor-pointer items-stretch overflow-hidden rounded-md border bg-card text-left text-card-foreground shadow-sm transition-opacity",
        root && "ring-2 ring-primary ring-offset-1 ring-offset-background",
        lit && !root && "border-destructive ring-1 ring-destructive",
        dim && "opacity-30",
      )}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      title={`${ci.number} ${ci.name} (${classLabel})`}
      data-testid="graph-node"
      data-number={ci.number}
      data-state={root ? "root" : lit ? "reached" : dim ? "dimmed" : "plain"}
    >
      <Handle type="target" position={vertical ? Position.Top : Position.Left} className="!opacity-0" isConnectable={false} />
      <span className="w-1.5 shrink-0" style={{ background: classColour(ci.ci_class) }} aria-hidden="true" />
      <span className="grid min-w-0 content-center px-2 leading-tight">
        <span className="font-mono text-[11px] font-semibold">{ci.number}</span>
        <span className="truncate text-xs">{ci.name}</span>
        <span className="truncate text-[10px] text-muted-foreground">{classLabel}</span>
      </span>
      <Handle type="source" position={vertical ? Position.Bottom : Position.Right} className="!opacity-0" isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { ci: CiNodeView };

/** The box around the given nodes. */
function boundsOf(ids: readonly string[], positions: ReadonlyMap<string, { x: number; y: number }>) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const id of ids) {
    const p = positions.get(id);
    if (!p) continue;
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + NODE_WIDTH);
    y1 = Math.max(y1, p.y + NODE_HEIGHT);
  }
  if (x0 === Infinity) return { x: 0, y: 0, width: NODE_WIDTH, height: NODE_HEIGHT };
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export interface RelationshipGraphProps {
  graph: GraphResponse;
  /** The CIs drawn as the start; the graph's depth-0 nodes when absent. */
  roots?: ReadonlySet<string>;
  /** An impact analysis's lit nodes and edges; the rest is dimmed. */
  highlight?: Highlight | null;
  /** A class's label by its name. */
  classLabel?: (name: string) => string;
  /** Where a click on a CI goes. */
  hrefOf?: (id: string) => string;
  onOpen: (id: string) => void;
  /** What the graph shows, for its region and its list. */
  label: string;
}

function RelationshipGraphInner({ graph, roots, highlight, classLabel = (n) => n, hrefOf = (id) => `/cmdb/cis/${id}`, onOpen, label }: RelationshipGraphProps) {
  const model = React.useMemo(() => buildGraph(graph, roots ? new Set(roots) : undefined), [graph, roots]);
  // The box is about 1.8 times as wide as high on a desktop, a little higher than wide on a phone.
  const layout = React.useMemo(() => bestLayout(model, globalThis.innerWidth < 640 ? 0.85 : 1.8), [model]);
  const positions = layout.positions;
  const lit = React.useMemo(() => (highlight ? new Set([...highlight.roots, ...highlight.reached]) : null), [highlight]);
  // A large graph opens on its start (or what the impact lit), readable; "Fit to view" shows all.
  const focus = React.useMemo(() => focusOf(model, highlight ? highlight.roots : null), [model, highlight]);
  const box = React.useRef<HTMLDivElement>(null);
  const flow = useReactFlow();
  const [ready, setReady] = React.useState(false);
  const fit = React.useCallback(
    (ids: readonly string[], duration = 0) => {
      // The whole graph as large as fits (at most 1.25), or the start in the middle as large as
      // fits between 0.55 and 1: readable, with its neighbours around it.
      const whole = ids.length === 0;
      const b = boundsOf(whole ? [...positions.keys()] : ids, positions);
      const w = box.current?.clientWidth ?? 800;
      const h = box.current?.clientHeight ?? 500;
      // Room left for the buttons over the graph (fit above, zoom below).
      const fits = Math.min(w / (b.width * 1.15), Math.max(h - 100, h / 2) / (b.height * 1.1));
      const zoom = whole ? Math.min(1.25, Math.max(0.1, fits)) : Math.min(1, Math.max(0.55, fits));
      void flow.setCenter(b.x + b.width / 2, b.y + b.height / 2, { zoom, duration });
    },
    [flow, positions],
  );
  const focusKey = focus.join(",");
  // Fitted to bounds computed here: React Flow's own fit waits for measured nodes and its options.
  React.useEffect(() => {
    if (ready) fit(focusKey ? focusKey.split(",") : []);
  }, [ready, focusKey, fit]);

  const nodes: CiNode[] = React.useMemo(
    () =>
      model.nodes.map((n) => ({
        id: n.id,
        type: "ci" as const,
        position: positions.get(n.id) ?? { x: 0, y: 0 },
        data: {
          ...n.data,
          root: highlight ? highlight.roots.has(n.id) : n.data.root,
          lit: !!lit?.has(n.id),
          dim: !!lit && !lit.has(n.id),
          classLabel: classLabel(n.data.ci.ci_class),
          vertical: layout.rankdir === "TB",
        },
        draggable: false,
        connectable: false,
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      })),
    [model, positions, layout.rankdir, highlight, lit, classLabel],
  );
  const edges: Edge[] = React.useMemo(
    () =>
      model.edges.map((e) => {
        const on = highlight ? highlight.edges.has(e.id) : true;
        const stroke = highlight && on ? "var(--color-destructive)" : "var(--color-muted-foreground)";
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          label: RELATIONSHIP_LABELS[e.type] ?? e.type,
          labelStyle: { fontSize: 10, fill: "var(--color-foreground)" },
          labelBgStyle: { fill: "var(--color-background)" },
          labelBgPadding: [3, 2] as [number, number],
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: stroke },
          style: { stroke, strokeWidth: highlight && on ? 2 : 1.25, opacity: highlight && !on ? 0.25 : 1 },
          focusable: false,
        };
      }),
    [model, highlight],
  );

  const classes = React.useMemo(() => [...new Set(model.nodes.map((n) => n.data.ci.ci_class))].sort(), [model]);
  const byId = React.useMemo(() => new Map(model.nodes.map((n) => [n.id, n.data.ci])), [model]);

  return (
    <div className="grid gap-3">
      <div
        ref={box}
        role="region"
        aria-label={`${label}: graph`}
        className="h-[26rem] w-full overflow-hidden rounded-md border bg-muted/30 sm:h-[32rem]"
        data-testid="relationship-graph"
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onInit={() => setReady(true)}
          minZoom={0.1}
          maxZoom={2}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          onNodeClick={(_, node) => onOpen(node.id)}
          proOptions={{ hideAttribution: true }}
          colorMode={document.documentElement.classList.contains("dark") ? "dark" : "light"}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} showFitView={false} position="bottom-left" />
          <Panel position="top-right">
            <Button variant="outline" size="sm" className="bg-background" onClick={() => fit([], 200)}>
              <Maximize aria-hidden="true" /> Fit to view
            </Button>
          </Panel>
        </ReactFlow>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-label="Legend">
        {classes.map((c) => (
          <li key={c} className="inline-flex items-center gap-1.5">
            <span className="inline-block size-3 rounded-sm" style={{ background: classColour(c) }} aria-hidden="true" />
            {classLabel(c)}
          </li>
        ))}
        <li className="inline-flex items-center gap-1.5">
          <span className="inline-block size-3 rounded-sm border ring-2 ring-primary" aria-hidden="true" /> start
        </li>
        {highlight && (
          <>
            <li className="inline-flex items-center gap-1.5">
              <span className="inline-block size-3 rounded-sm border border-destructive ring-1 ring-destructive" aria-hidden="true" /> reached
            </li>
            <li className="inline-flex items-center gap-1.5">
              <span className="inline-block size-3 rounded-sm border bg-muted-foreground/30" aria-hidden="true" /> not reached
            </li>
          </>
        )}
      </ul>
      <details className="rounded-md border text-sm" data-testid="graph-list">
        <summary className="cursor-pointer px-3 py-2 font-medium">
          The graph as a list: {model.nodes.length} {model.nodes.length === 1 ? "CI" : "CIs"}, {model.edges.length}{" "}
          {model.edges.length === 1 ? "relationship" : "relationships"}
        </summary>
        <div className="grid gap-3 px-3 pb-3 sm:grid-cols-2">
          <div>
            <h4 className="mb-1 text-xs font-medium text-muted-foreground">CIs</h4>
            <ul className="grid gap-0.5">
              {model.nodes.map((n) => (
                <li key={n.id} className="truncate">
                  <Link to={hrefOf(n.id)} className="font-mono underline-offset-4 hover:underline">
                    {n.data.ci.number}
                  </Link>{" "}
                  {n.data.ci.name} · {classLabel(n.data.ci.ci_class)} · depth {n.data.depth}
                  {highlight && (highlight.roots.has(n.id) ? " · start" : highlight.reached.has(n.id) ? " · reached" : "")}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4 className="mb-1 text-xs font-medium text-muted-foreground">Relationships</h4>
            <ul className="grid gap-0.5">
              {model.edges.map((e) => (
                <li key={e.id} className="truncate">
                  <span className="font-mono">{byId.get(e.source)?.number}</span> {RELATIONSHIP_LABELS[e.type] ?? e.type}{" "}
                  <span className="font-mono">{byId.get(e.target)?.number}</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </details>
    </div>
  );
}

export default function RelationshipGraph(props: RelationshipGraphProps) {
  return (
    <ReactFlowProvider>
      <RelationshipGraphInner {...props} />
    </ReactFlowProvider>
  );
}
