import { ChevronDown, ChevronRight, History, SearchX, X } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { changesView, localToRfc3339, showValue } from "@/lib/auditDiff";
import type { ListQuery, ListSpec } from "@/lib/tableState";
import { useListQuery } from "@/lib/useListQuery";
import { formatDateTime } from "@/lib/utils";
import { usePageTitle } from "@/lib/usePageTitle";

type Entry = components["schemas"]["AuditLogResponse"];

const FILTERS = ["action", "entity_type", "actor_id", "created_after", "created_before"] as const;
type Filter = (typeof FILTERS)[number];
const FILTER_LABELS: Record<Filter, string> = {
  action: "Action",
  entity_type: "Entity type",
  actor_id: "Actor id",
  created_after: "From",
  created_before: "Until",
};

function Changes({ entry }: { entry: Entry }) {
  const view = changesView(entry.changes);
  if (view.kind === "none") return <p className="text-sm text-muted-foreground">No details recorded.</p>;
  if (view.kind === "details")
    return (
      <table className="w-full text-sm">
        <caption className="sr-only">Details</caption>
        <thead>
          <tr className="text-left text-xs text-muted-foreground">
            <th scope="col" className="py-1 pr-3 font-medium">Field</th>
            <th scope="col" className="py-1 font-medium">Value</th>
          </tr>
        </thead>
        <tbody>
          {view.rows.map((r) => (
            <tr key={r.field} className="border-t align-top">
              <th scope="row" className="py-1 pr-3 text-left font-mono font-normal">{r.field}</th>
              <td className="break-all py-1">{showValue(r.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <table className="w-full text-sm" data-testid="audit-diff">
      <caption className="sr-only">Changed fields</caption>
      <thead>
        <tr className="text-left text-xs text-muted-foreground">
          <th scope="col" className="py-1 pr-3 font-medium">Field</th>
          <th scope="col" className="py-1 pr-3 font-medium">Old</th>
          <th scope="col" className="py-1 font-medium">New</th>
        </tr>
      </thead>
      <tbody>
        {view.rows.map((r) => (
          <tr key={r.field} className="border-t align-top">
            <th scope="row" className="py-1 pr-3 text-left font-mono font-normal">{r.field}</th>
            <td className="break-all py-1 pr-3 text-muted-foreground line-through decoration-destructive/60">{showValue(r.old)}</td>
            <td className="break-all py-1">{showValue(r.new)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Who({ entry }: { entry: Entry }) {
  if (!entry.actor_id) return <>{entry.actor_type}</>;
  if (entry.actor_type === "user")
    return (
      <Link to={`/users/${entry.actor_id}`} className="underline-offset-4 hover:underline">
        user {shortId(entry.actor_id)}
      </Link>
    );
  return (
    <>
      {entry.actor_type} {shortId(entry.actor_id)}
    </>
  );
}

/** An entry unfolded: who, from where, and what changed. */
function EntryDetail({ entry }: { entry: Entry }) {
  return (
    <div id={`audit-${entry.id}`} className="grid gap-3">
      <dl className="grid gap-2 text-xs sm:grid-cols-3">
        <div>
          <dt className="text-muted-foreground">By</dt>
          <dd><Who entry={entry} /></dd>
        </div>
        <div>
          <dt className="text-muted-foreground">From</dt>
          <dd className="break-all">{entry.ip || "—"}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Request</dt>
          <dd className="break-all font-mono">{entry.request_id || "—"}</dd>
        </div>
        {entry.entity_id && (
          <div className="sm:col-span-3">
            <dt className="text-muted-foreground">Entity</dt>
            <dd className="break-all font-mono">
              {entry.entity_type === "user" ? (
                <Link to={`/users/${entry.entity_id}`} className="underline-offset-4 hover:underline">{entry.entity_id}</Link>
              ) : (
                entry.entity_id
              )}
            </dd>
          </div>
        )}
      </dl>
      <Changes entry={entry} />
    </div>
  );
}

/** A short, telling form of an id (UUIDv7s share their leading time bits, so the end). */
function shortId(id: string): string {
  return `…${id.slice(-8)}`;
}

type AuditSort = "created_at";

export const AUDIT_SPEC: ListSpec<AuditSort, Filter> = {
  sorts: ["created_at"],
  defaultSort: "created_at",
  defaultOrder: "desc",
  filters: { action: "text", entity_type: "text", actor_id: "text", created_after: "text", created_before: "text" },
  search: false,
  perPageOptions: [25, 50, 100],
  defaultPerPage: 50,
};

/** A page of entries; the date filters are local times in the URL, instants in the API. */
function fetchEntries(query: ListQuery<AuditSort, Filter>) {
  const { created_after, created_before, ...rest } = query;
  return unwrap(
    api.GET("/api/v1/audit-logs", {
      params: { query: { ...rest, created_after: localToRfc3339(created_after ?? ""), created_before: localToRfc3339(created_before ?? "") } },
    }),
  );
}

/** Who did what and when, filtered through the URL. */
export function AuditPage() {
  usePageTitle("Audit log");
  const list = useListQuery({ spec: AUDIT_SPEC, queryKey: ["audit-logs"], fetch: fetchEntries });
  const values = Object.fromEntries(FILTERS.map((f) => [f, list.state.filters[f] ?? ""])) as Record<Filter, string>;
  const [draft, setDraft] = React.useState(values);
  const valuesKey = JSON.stringify(values);
  const [seenKey, setSeenKey] = React.useState(valuesKey);
  if (seenKey !== valuesKey) {
    // Back and forward change the URL: the form follows.
    setSeenKey(valuesKey);
    setDraft(values);
  }
  const [open, setOpen] = React.useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const columns: Column<Entry, AuditSort>[] = [
    {
      key: "action",
      header: "Action",
      cell: (e) => (
        <button
          type="button"
          className="-ml-1 inline-flex items-center gap-1 whitespace-nowrap rounded px-1 py-0.5 text-left font-mono font-medium hover:bg-accent"
          aria-expanded={open.has(e.id)}
          aria-controls={open.has(e.id) ? `audit-${e.id}` : undefined}
          onClick={() => toggle(e.id)}
        >
          {open.has(e.id) ? <ChevronDown className="size-4" aria-hidden="true" /> : <ChevronRight className="size-4" aria-hidden="true" />}
          {e.action}
        </button>
      ),
    },
    {
      key: "entity",
      header: "Entity",
      className: "whitespace-nowrap text-muted-foreground",
      cell: (e) => `${e.entity_type}${e.entity_id ? ` ${shortId(e.entity_id)}` : ""}`,
    },
    { key: "actor", header: "By", className: "hidden whitespace-nowrap md:table-cell", cell: (e) => <Who entry={e} /> },
    {
      key: "created_at",
      header: "When",
      sort: "created_at",
      className: "whitespace-nowrap text-right text-xs text-muted-foreground",
      cell: (e) => formatDateTime(e.created_at),
    },
  ];

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    list.setFilters({ filters: draft });
  };

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-muted-foreground">Who did what, and when. Open an entry to see what changed.</p>
      </div>
      <Card>
        <CardContent className="pt-6">
          <form onSubmit={apply} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Filter the audit log">
            {FILTERS.map((f) => (
              <div key={f} className="grid gap-1.5">
                <Label htmlFor={`audit-${f}`}>{FILTER_LABELS[f]}</Label>
                <Input
                  id={`audit-${f}`}
                  type={f.startsWith("created_") ? "datetime-local" : "text"}
                  placeholder={f === "action" ? "e.g. user.updated" : f === "entity_type" ? "e.g. user" : undefined}
                  autoComplete="off"
                  spellCheck={false}
                  value={draft[f]}
                  onChange={(e) => setDraft((d) => ({ ...d, [f]: e.target.value }))}
                />
              </div>
            ))}
            <div className="flex items-end gap-2">
              <Button type="submit">Apply filters</Button>
              {list.filtered && (
                <Button variant="ghost" onClick={list.clearFilters}>
                  Clear filters
                </Button>
              )}
            </div>
          </form>
        </CardContent>
      </Card>
      <DataTable
        caption="Audit entries"
        columns={columns}
        rowKey={(e) => e.id}
        rowTestId="audit-entry"
        onRowClick={(e) => toggle(e.id)}
        rowDetail={(e) => (open.has(e.id) ? <EntryDetail entry={e} /> : null)}
        {...list.table}
        empty={
          list.filtered ? (
            <EmptyState
              icon={SearchX}
              title="No entries match these filters."
              description="The audit log records every change and sign-in; try a wider time range or other filters."
              action={
                <Button variant="outline" size="sm" onClick={list.clearFilters}>
                  <X aria-hidden="true" /> Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={History}
              title="Nothing recorded yet."
              description="The audit log records who changed what, and every sign-in, as it happens."
            />
          )
        }
      />
    </div>
  );
}
