/**
 * The "Graph" and "Impact" tabs of a CI's or an application's page: the neighbourhood graph
 * (depth 1–5) and an impact analysis (direction, depth 1–10) that lights up in the same graph,
 * with the reached CIs, the affected applications and services listed apart.
 */
import { useQueries } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import * as React from "react";
import { Link, useNavigate } from "react-router";
import { errorMessage } from "@/api/problem";
import { api, unwrap } from "@/api/client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";
import { TierBadge } from "@/modules/applications/ApplicationsPage";
import { classLabel, useCiClasses, useGraph, useImpact } from "./api";
import { highlightOf, impactAsGraph, impactRows } from "./graph";
import type { GraphResponse, ImpactDirection } from "./types";

const RelationshipGraph = React.lazy(() => import("./RelationshipGraph"));

function GraphFallback() {
  return <Skeleton className="h-[26rem] w-full sm:h-[32rem]" aria-label="Loading the graph" />;
}

/** The neighbourhood and the impact's own nodes and edges, each once. */
export function mergeGraphs(a: GraphResponse | undefined, b: GraphResponse): GraphResponse {
  if (!a) return b;
  const nodes = new Map(a.nodes.map((n) => [n.id, n]));
  for (const n of b.nodes) {
    const seen = nodes.get(n.id);
    if (!seen || n.depth < seen.depth) nodes.set(n.id, n);
  }
  const edges = new Map(a.edges.map((e) => [e.id, e]));
  for (const e of b.edges) edges.set(e.id, e);
  return { nodes: [...nodes.values()], edges: [...edges.values()], truncated: a.truncated };
}

function useServiceNames(ids: string[]) {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ["services", "one", id],
      retry: false,
      staleTime: 60_000,
      queryFn: () => unwrap(api.GET("/api/v1/services/{id}", { params: { path: { id } } })),
    })),
  });
  return ids.map((id, i) => ({ id, service: results[i]?.data }));
}

export function GraphAndImpact({ kind, id, label }: { kind: "ci" | "application"; id: string; label: string }) {
  const [tab, setTab] = React.useState<"graph" | "impact">("graph");
  const [graphDepth, setGraphDepth] = React.useState(2);
  const [direction, setDirection] = React.useState<ImpactDirection>("downstream");
  const [impactDepth, setImpactDepth] = React.useState(5);
  const navigate = useNavigate();
  const classes = useCiClasses();
  const labelOfClass = React.useCallback((n: string) => classLabel(classes.data, n), [classes.data]);
  const graph = useGraph(kind, id, graphDepth);
  const impact = useImpact(kind, id, direction, impactDepth, tab === "impact");
  const highlight = React.useMemo(() => (impact.data ? highlightOf(impact.data) : null), [impact.data]);
  const rows = React.useMemo(() => (impact.data ? impactRows(impact.data) : []), [impact.data]);
  const impactGraph = React.useMemo(
    () => (impact.data ? mergeGraphs(graph.data, impactAsGraph(impact.data)) : undefined),
    [graph.data, impact.data],
  );
  const services = useServiceNames(impact.data?.services.map((s) => s.id) ?? []);
  const open = (ciId: string) => void navigate(`/cmdb/cis/${ciId}`);
  const tabId = (t: string) => `${kind}-${id}-${t}`;

  const tabButton = (t: "graph" | "impact", text: string) => (
    <button
      type="button"
      role="tab"
      id={tabId(`tab-${t}`)}
      aria-selected={tab === t}
      aria-controls={tabId(`panel-${t}`)}
      onClick={() => setTab(t)}
      className={cn(
        "rounded-md px-3 py-1.5 text-sm font-medium",
        tab === t ? "bg-background text-foreground shadow-sm" : "text-muted-foreground hover:text-foreground",
      )}
    >
      {text}
    </button>
  );

  return (
    <Card data-testid="graph-impact-card">
      <CardHeader>
        <CardTitle>Relationships graph and impact</CardTitle>
        <CardDescription>
          What {label} is connected to, and what a failure would reach. Click a CI to open it.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        <div role="tablist" aria-label="Graph or impact" className="inline-flex w-fit gap-1 rounded-lg bg-muted p-1">
          {tabButton("graph", "Graph")}
          {tabButton("impact", "Impact")}
        </div>
        {tab === "graph" && (
          <div role="tabpanel" id={tabId("panel-graph")} aria-labelledby={tabId("tab-graph")} className="grid grid-cols-[minmax(0,1fr)] gap-3">
            <div className="flex flex-wrap items-end gap-3">
              <div className="grid gap-1.5">
                <Label htmlFor={tabId("graph-depth")}>Depth</Label>
                <Select id={tabId("graph-depth")} className="w-28" value={graphDepth} onChange={(e) => setGraphDepth(Number(e.target.value))}>
                  {[1, 2, 3, 4, 5].map((d) => (
                    <option key={d} value={d}>
                      {d} {d === 1 ? "step" : "steps"}
                    </option>
                  ))}
                </Select>
              </div>
            </div>
            {graph.data?.truncated && (
              <Alert>
                <AlertTriangle aria-hidden="true" className="size-4" /> The graph is cut at its nearest 500 CIs; lower the depth or open a CI to see
                around it.
              </Alert>
            )}
            {graph.error && (
              <Alert variant="error">
                <p>Could not load the graph: {errorMessage(graph.error)}</p>
                <Button variant="outline" size="sm" onClick={() => void graph.refetch()}>
                  Try again
                </Button>
              </Alert>
            )}
            {graph.isPending && <GraphFallback />}
            {graph.data && graph.data.nodes.length === 0 && (
              <p className="text-sm text-muted-foreground">No configuration items to draw yet.</p>
            )}
            {graph.data && graph.data.nodes.length > 0 && (
              <React.Suspense fallback={<GraphFallback />}>
                <RelationshipGraph graph={graph.data} classLabel={labelOfClass} onOpen={open} label={label} />
              </React.Suspense>
            )}
          </div>
        )}
        {tab === "impact" && (
          <div role="tabpanel" id={tabId("panel-impact")} aria-labelledby={tabId("tab-impact")} className="grid grid-cols-[minmax(0,1fr)] gap-3">
            <div className="flex flex-wrap items-end gap-3">
              <div className="grid gap-1.5">
                <Label htmlFor={tabId("direction")}>Direction</Label>
                <Select
                  id={tabId("direction")}
                  className="w-auto"
                  value={direction}
                  onChange={(e) => setDirection(e.target.value as ImpactDirection)}
                >
                  <option value="downstream">Downstream: what a failure hits</option>
                  <option value="upstream">Upstream: what it needs</option>
                </Select>
              </div>
              <div className="grid gap-1.5">
                <Label htmlFor={tabId("impact-depth")}>Depth</Label>
                <Select id={tabId("impact-depth")} className="w-28" value={impactDepth} onChange={(e) => setImpactDepth(Number(e.target.value))}>
                  {Array.from({ length: 10 }, (_, i) => i + 1).map((d) => (
                    <option key={d} value={d}>
                      {d} {d === 1 ? "step" : "steps"}
                    </option>
                  ))}
                </Select>
              </div>
            </div>
            {impact.error && (
              <Alert variant="error">
                <p>Could not analyse the impact: {errorMessage(impact.error)}</p>
                <Button variant="outline" size="sm" onClick={() => void impact.refetch()}>
                  Try again
                </Button>
              </Alert>
            )}
            {impact.isPending && !impact.error && <GraphFallback />}
            {impact.data && impactGraph && (
              <>
                <p className="text-sm" role="status" data-testid="impact-summary">
                  {direction === "downstream" ? "A failure would reach" : "It needs"} <strong>{rows.length}</strong>{" "}
                  {rows.length === 1 ? "CI" : "CIs"}, <strong>{impact.data.applications.length}</strong>{" "}
                  {impact.data.applications.length === 1 ? "application" : "applications"} and{" "}
                  <strong>{impact.data.services.length}</strong> {impact.data.services.length === 1 ? "service" : "services"}.
                </p>
                {impactGraph.nodes.length > 0 && (
                  <React.Suspense fallback={<GraphFallback />}>
                    <RelationshipGraph
                      graph={impactGraph}
                      highlight={highlight}
                      classLabel={labelOfClass}
                      onOpen={open}
                      label={`Impact of ${label}`}
                    />
                  </React.Suspense>
                )}
                <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
                  <div className="min-w-0">
                    <h3 className="mb-1 text-sm font-medium">Reached CIs</h3>
                    {rows.length === 0 ? (
                      <p className="text-sm text-muted-foreground">Nothing within {impactDepth} steps.</p>
                    ) : (
                      <div className="overflow-x-auto rounded-md border">
                        <table className="w-full text-sm" data-testid="impact-nodes">
                          <caption className="sr-only">CIs reached by the impact analysis</caption>
                          <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
                            <tr>
                              <th scope="col" className="px-2 py-1.5">CI</th>
                              <th scope="col" className="px-2 py-1.5">Depth</th>
                              <th scope="col" className="px-2 py-1.5">Path</th>
                            </tr>
                          </thead>
                          <tbody>
                            {rows.map((r) => (
                              <tr key={r.ci.id} className="border-t" data-testid="impact-node">
                                <td className="px-2 py-1.5">
                                  <Link to={`/cmdb/cis/${r.ci.id}`} className="font-mono underline-offset-4 hover:underline">
                                    {r.ci.number}
                                  </Link>
                                  <span className="block max-w-[12rem] truncate text-xs text-muted-foreground sm:max-w-[18rem]" title={r.ci.name}>
                                    {r.ci.name}
                                  </span>
                                </td>
                                <td className="px-2 py-1.5 tabular-nums">{r.depth}</td>
                                <td className="px-2 py-1.5 font-mono text-xs whitespace-nowrap">
                                  {r.path} <span className="font-sans text-muted-foreground">({r.relationshipType})</span>
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    )}
                  </div>
                  <div className="grid min-w-0 grid-cols-[minmax(0,1fr)] content-start gap-3">
                    <div>
                      <h3 className="mb-1 text-sm font-medium">Affected applications</h3>
                      {impact.data.applications.length === 0 ? (
                        <p className="text-sm text-muted-foreground">None.</p>
                      ) : (
                        <ul className="grid grid-cols-[minmax(0,1fr)] gap-1 text-sm" data-testid="impact-applications">
                          {impact.data.applications.map((a) => (
                            <li key={a.id} className="flex items-center gap-2">
                              <TierBadge tier={a.tier} />
                              <Link to={`/applications/${a.id}`} className="min-w-0 truncate underline-offset-4 hover:underline">
                                <span className="font-mono">{a.app_id}</span> {a.name}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </div>
                    <div>
                      <h3 className="mb-1 text-sm font-medium">Affected services</h3>
                      {services.length === 0 ? (
                        <p className="text-sm text-muted-foreground">None.</p>
                      ) : (
                        <ul className="grid grid-cols-[minmax(0,1fr)] gap-1 text-sm" data-testid="impact-services">
                          {services.map(({ id: sid, service }) => (
                            <li key={sid} className="truncate">
                              <Link to={`/services/${sid}`} className="underline-offset-4 hover:underline">
                                {service ? (
                                  <>
                                    <span className="font-mono">{service.number}</span> {service.name}
                                  </>
                                ) : (
                                  <span className="font-mono">{sid.slice(0, 8)}</span>
                                )}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </div>
                  </div>
                </div>
              </>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
