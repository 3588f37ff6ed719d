/**
 * The whole service portfolio as a tree (WAI-ARIA tree view), as the group tree: search and
 * the type and status filters cut it down in place, keeping each match's ancestors open; one
 * row at a time is in the tab order, and the keys of `treeKeyAction` move, open, close and
 * select. Each row shows its number, name, type, status and the total cost of its subtree.
 */
import { ChevronRight, Search } from "lucide-react";
import * as React from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { flatten, visibleRows } from "@/lib/groupTree";
import { treeKeyAction } from "@/lib/treeKeys";
import { cn } from "@/lib/utils";
import { SERVICE_STATUSES, SERVICE_TYPES, type Service } from "./api";
import { ServiceStatusBadge, ServiceTypeBadge } from "./badges";
import { buildServiceTree, filterServiceTree, formatCents, isFiltering, servicePath, subtreeRollups, type TreeFilter } from "./serviceTree";

const rowId = (id: string) => `service-tree-${id}`;

/**
 * What the tree keeps while the app runs: the page is drawn afresh for each path, so picking
 * a service (a new URL) would otherwise close every branch and lose the focus.
 */
const memory: { expanded: ReadonlySet<string>; refocus: string | null } = { expanded: new Set(), refocus: null };

function union(a: ReadonlySet<string>, b: Iterable<string>): Set<string> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

const ancestorsOf = (services: readonly Service[], id: string | null) => (id ? servicePath(services, id).map((s) => s.id) : []);

export function ServiceTree({
  services,
  selectedId,
  onSelect,
  filter,
  onFilter,
}: {
  services: readonly Service[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** The search and filters, kept by the page (in the URL). */
  filter: TreeFilter;
  onFilter: (f: TreeFilter) => void;
}) {
  const tree = React.useMemo(() => buildServiceTree(services), [services]);
  const rollups = React.useMemo(() => subtreeRollups(services), [services]);
  // Open: what was open before, the selected service's ancestors, and those of the matches.
  const [expanded, setExpanded] = React.useState<Set<string>>(() =>
    union(union(memory.expanded, ancestorsOf(services, selectedId)), filterServiceTree(tree, filter).open),
  );
  const [focused, setFocused] = React.useState<string | null>(selectedId);
  const moveFocus = React.useRef<string | null>(memory.refocus === selectedId ? selectedId : null);

  React.useEffect(() => {
    memory.expanded = expanded;
    memory.refocus = null;
  }, [expanded]);

  const filtered = React.useMemo(() => filterServiceTree(tree, filter), [tree, filter]);
  const rows = React.useMemo(() => visibleRows(filtered.nodes, expanded), [filtered.nodes, expanded]);

  // A search or a filter opens the ancestors of what it finds.
  const refilter = (f: TreeFilter) => {
    onFilter(f);
    const open = filterServiceTree(tree, f).open;
    if (open.size > 0) setExpanded((prev) => union(prev, open));
  };

  // The selected service (a deep link, one just made or moved) is shown: its ancestors open.
  const [revealed, setRevealed] = React.useState<string | null>(null);
  const parentOfSelected = services.find((s) => s.id === selectedId)?.parent_service_id ?? null;
  const revealKey = selectedId ? `${selectedId}:${parentOfSelected}` : null;
  if (selectedId && revealKey !== revealed && services.some((s) => s.id === selectedId)) {
    setRevealed(revealKey);
    setExpanded((prev) => union(prev, ancestorsOf(services, selectedId)));
    setFocused(selectedId);
  }

  React.useEffect(() => {
    const id = moveFocus.current;
    if (!id) return;
    moveFocus.current = null;
    document.getElementById(rowId(id))?.focus();
  });

  const tabStop = rows.find((r) => r.id === focused)?.id ?? rows.find((r) => r.id === selectedId)?.id ?? rows[0]?.id;

  const toggle = (id: string, open: boolean) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open) next.add(id);
      else next.delete(id);
      return next;
    });

  const onKeyDown = (e: React.KeyboardEvent<HTMLUListElement>) => {
    const action = treeKeyAction(rows, tabStop ?? null, e.key);
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    switch (action.type) {
      case "focus":
        setFocused(action.id);
        moveFocus.current = action.id;
        break;
      case "expand":
        toggle(action.id, true);
        break;
      case "collapse":
        toggle(action.id, false);
        break;
      case "select":
        memory.refocus = action.id;
        onSelect(action.id);
        break;
    }
  };

  const filtering = isFiltering(filter);
  const branches = flatten(tree).filter((n) => n.children.length > 0);
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-2">
      <div className="grid grid-cols-2 gap-2">
        <div className="relative col-span-2">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
          <Input
            type="search"
            aria-label="Search services"
            placeholder="Search name, number or domain"
            className="pl-8"
            maxLength={200}
            value={filter.q ?? ""}
            onChange={(e) => refilter({ ...filter, q: e.target.value })}
          />
        </div>
        <Select aria-label="Type" value={filter.type ?? ""} onChange={(e) => refilter({ ...filter, type: e.target.value as TreeFilter["type"] })}>
          <option value="">All types</option>
          {SERVICE_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Status"
          value={filter.status ?? ""}
          onChange={(e) => refilter({ ...filter, status: e.target.value as TreeFilter["status"] })}
        >
          <option value="">All statuses</option>
          {SERVICE_STATUSES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </Select>
      </div>
      <div className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
        <p role="status" className="whitespace-nowrap">
          {filtering
            ? `${filtered.matches} of ${services.length} match`
            : `${services.length} ${services.length === 1 ? "service" : "services"}`}
        </p>
        {branches.length > 0 && (
          <div className="flex gap-1">
            <Button size="sm" variant="ghost" className="h-7 px-2 text-xs" onClick={() => setExpanded(new Set(branches.map((n) => n.item.id)))}>
              Expand all
            </Button>
            <Button size="sm" variant="ghost" className="h-7 px-2 text-xs" onClick={() => setExpanded(new Set())}>
              Collapse all
            </Button>
          </div>
        )}
      </div>
      {rows.length === 0 ? (
        <div className="grid justify-items-center gap-2 rounded-md border border-dashed p-6 text-center text-sm text-muted-foreground">
          <p>No service matches these filters.</p>
          <Button size="sm" variant="outline" onClick={() => refilter({})}>
            Clear filters
          </Button>
        </div>
      ) : (
        <ul
          role="tree"
          aria-label="Services"
          className="grid max-h-[calc(100dvh-18rem)] gap-px overflow-y-auto rounded-md border p-1"
          onKeyDown={onKeyDown}
        >
          {rows.map((r) => {
            const selected = r.id === selectedId;
            const s = r.item;
            const rollup = rollups.get(s.id);
            return (
              <li
                key={r.id}
                id={rowId(r.id)}
                role="treeitem"
                aria-level={r.level}
                aria-setsize={r.setSize}
                aria-posinset={r.posInSet}
                aria-expanded={r.hasChildren ? r.expanded : undefined}
                aria-selected={selected}
                tabIndex={r.id === tabStop ? 0 : -1}
                data-testid="service-row"
                onFocus={(e) => e.target === e.currentTarget && setFocused(r.id)}
                onClick={() => {
                  setFocused(r.id);
                  onSelect(r.id);
                }}
                className={cn(
                  "flex cursor-pointer items-start gap-1 rounded-sm py-1 pr-2 text-sm outline-none hover:bg-accent focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-ring",
                  selected && "bg-accent",
                )}
                style={{ paddingLeft: `${0.25 + (r.level - 1) * 1.1}rem` }}
              >
                {r.hasChildren ? (
                  <span
                    aria-hidden="true"
                    className="grid size-6 shrink-0 place-items-center rounded-sm text-muted-foreground hover:bg-background"
                    onClick={(e) => {
                      e.stopPropagation();
                      toggle(r.id, !r.expanded);
                    }}
                  >
                    <ChevronRight className={cn("size-4 transition-transform", r.expanded && "rotate-90")} />
                  </span>
                ) : (
                  <span aria-hidden="true" className="size-6 shrink-0" />
                )}
                <span className="grid min-w-0 flex-1 gap-0.5">
                  <span className="flex min-w-0 items-baseline gap-2">
                    <span className={cn("min-w-0 flex-1 truncate", selected && "font-medium")} title={s.name}>
                      {s.name}
                    </span>
                    {rollup && (
                      <span
                        className="shrink-0 text-xs tabular-nums text-muted-foreground"
                        title={rollup.count > 1 ? `Total cost of ${s.name} and the ${rollup.count - 1} below it` : "Total cost"}
                      >
                        {formatCents(rollup.totalCents)}
                      </span>
                    )}
                  </span>
                  <span className="flex min-w-0 flex-wrap items-center gap-1.5 text-xs">
                    <span className="font-mono text-muted-foreground">{s.number}</span>
                    <ServiceTypeBadge type={s.type} />
                    <ServiceStatusBadge status={s.status} />
                  </span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
