/**
 * Every group of the tenant as a tree (WAI-ARIA tree view): search filters it in place,
 * keeping the ancestors of each match open; one row at a time is in the tab order (roving
 * tabindex), and the keys of `treeKeyAction` move, open, close and select.
 */
import { ChevronRight, Search } from "lucide-react";
import * as React from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { ancestorIds, buildTree, filterTree, flatten, visibleRows } from "@/lib/groupTree";
import { treeKeyAction } from "@/lib/treeKeys";
import { cn } from "@/lib/utils";
import type { Group } from "./api";

const rowId = (id: string) => `group-tree-${id}`;

/**
 * What the tree keeps while the app runs: the app shell draws the page afresh for each path,
 * so picking a group (a new URL) would otherwise close every branch and lose the focus.
 */
const memory: { expanded: ReadonlySet<string>; refocus: string | null } = { expanded: new Set(), refocus: null };

function union(a: ReadonlySet<string>, b: Iterable<string>): Set<string> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

export function GroupTree({
  groups,
  selectedId,
  onSelect,
  query,
  onQuery,
}: {
  groups: readonly Group[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** The search, kept by the page (in the URL). */
  query: string;
  onQuery: (q: string) => void;
}) {
  const tree = React.useMemo(() => buildTree(groups), [groups]);
  // Open: what was open before, the selected group's ancestors, and those of the search's matches.
  const [expanded, setExpanded] = React.useState<Set<string>>(() =>
    union(union(memory.expanded, selectedId ? ancestorIds(groups, selectedId) : []), filterTree(tree, query).open),
  );
  const [focused, setFocused] = React.useState<string | null>(selectedId);
  // Set by a key press: move the DOM focus to this row once it is drawn. A group picked by
  // keyboard gets the focus back in the tree drawn for its URL.
  const moveFocus = React.useRef<string | null>(memory.refocus === selectedId ? selectedId : null);

  React.useEffect(() => {
    memory.expanded = expanded;
    memory.refocus = null;
  }, [expanded]);

  const filtered = React.useMemo(() => filterTree(tree, query), [tree, query]);
  const rows = React.useMemo(() => visibleRows(filtered.nodes, expanded), [filtered.nodes, expanded]);

  // A search opens the ancestors of what it finds.
  const search = (q: string) => {
    onQuery(q);
    const open = filterTree(tree, q).open;
    if (open.size > 0) setExpanded((prev) => union(prev, open));
  };

  // The selected group (a deep link, a group just made) is shown: its ancestors open.
  const [revealed, setRevealed] = React.useState(selectedId);
  if (selectedId && revealed !== selectedId && groups.some((g) => g.id === selectedId)) {
    setRevealed(selectedId);
    setExpanded((prev) => union(prev, ancestorIds(groups, selectedId)));
    setFocused(selectedId);
  }

  React.useEffect(() => {
    const id = moveFocus.current;
    if (!id) return;
    moveFocus.current = null;
    document.getElementById(rowId(id))?.focus();
  });

  // The row in the tab order: the focused one if shown, else the selected one, else the first.
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

  const searching = query.trim().length > 0;
  const branches = flatten(tree).filter((n) => n.children.length > 0);
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-2">
      <div className="relative">
        <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
        <Input
          type="search"
          aria-label="Search groups"
          placeholder="Search groups"
          className="pl-8"
          value={query}
          onChange={(e) => search(e.target.value)}
        />
      </div>
      <div className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
        <p role="status" className="whitespace-nowrap">
          {searching
            ? `${filtered.matches} of ${groups.length} match`
            : `${groups.length} ${groups.length === 1 ? "group" : "groups"}`}
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
          <p>No group matches “{query.trim()}”.</p>
          <Button size="sm" variant="outline" onClick={() => search("")}>
            Clear search
          </Button>
        </div>
      ) : (
        <ul
          role="tree"
          aria-label="Groups"
          className="grid max-h-[calc(100dvh-15rem)] gap-px overflow-y-auto rounded-md border p-1"
          onKeyDown={onKeyDown}
        >
          {rows.map((r) => {
            const selected = r.id === selectedId;
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
                onFocus={(e) => e.target === e.currentTarget && setFocused(r.id)}
                onClick={() => {
                  setFocused(r.id);
                  onSelect(r.id);
                }}
                className={cn(
                  "flex min-h-8 cursor-pointer items-center gap-1 rounded-sm pr-2 text-sm outline-none hover:bg-accent focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-ring",
                  selected && "bg-accent font-medium",
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
                <span className="min-w-0 truncate" title={r.item.name}>
                  {r.item.name}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
