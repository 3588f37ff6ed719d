import { ChevronDown, ChevronRight, History, SearchX, X } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { SearchPicker } from "@/components/SearchPicker";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/input";
import { changesView, localToRfc3339, showValue } from "@/lib/auditDiff";
import type { ListQuery, ListSpec } from "@/lib/tableState";
import { useListQuery } from "@/lib/useListQuery";
import { formatDateTime } from "@/lib/utils";
import { usePageTitle } from "@/lib/usePageTitle";
import { actionsFor, ENTITY_TYPES, entityTypeLabel } from "./auditVocabulary";
import { useUser } from "./users";

type Entry = components["schemas"]["AuditLogResponse"];

/** The actor filter's user: enough to show them by name. */
interface PickedUser {
  id: string;
  name: string;
  email?: string;
}

type Filter = "action" | "entity_type" | "actor_id" | "created_after" | "created_before";

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

/** Who acted, by name: a user (linked), an API key ("API key build-bot"), the system. */
function Who({ entry }: { entry: Entry }) {
  if (!entry.actor_id) return <>{entry.actor_type === "platform" ? "Platform operator" : "System"}</>;
  const name = entry.actor_name ?? `${shortId(entry.actor_id)} (gone)`;
  if (entry.actor_type === "user")
    return (
      <Link to={`/users/${entry.actor_id}`} className="underline-offset-4 hover:underline">
        {name}
      </Link>
    );
  if (entry.actor_type === "api_key") return <>API key {name}</>;
  return <>{name}</>;
}

/** What the entry is about, by name: "User Grace Hopper", "Role Auditor", "Session …1a2b3c4d". */
function What({ entry }: { entry: Entry }) {
  const kind = entityTypeLabel(entry.entity_type);
  if (!entry.entity_id) return <>{kind}</>;
  const name = entry.entity_name ?? shortId(entry.entity_id);
  if (entry.entity_type === "user")
    return (
      <>
        {kind}{" "}
        <Link to={`/users/${entry.entity_id}`} className="underline-offset-4 hover:underline">
          {name}
        </Link>
      </>
    );
  return (
    <>
      {kind} {name}
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
            <dd className="break-all">
              <What entry={entry} /> <span className="font-mono text-muted-foreground">({entry.entity_id})</span>
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
  filters: {
    action: actionsFor(undefined),
    entity_type: ENTITY_TYPES.map((t) => t.value),
    actor_id: "text",
    created_after: "text",
    created_before: "text",
  },
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
  const filters = list.state.filters;
  const actorId = filters.actor_id;
  // The actor named in the URL (a shared link, Back) is shown by name; the picker remembers
  // the one just chosen, so it shows at once.
  const [picked, setPicked] = React.useState<PickedUser | null>(null);
  const actorQuery = useUser(actorId && picked?.id !== actorId ? actorId : "");
  const actor: PickedUser | null = !actorId
    ? null
    : picked?.id === actorId
      ? picked
      : { id: actorId, name: actorQuery.data?.name ?? (actorQuery.isError ? shortId(actorId) : "…") };
  const setFilter = (f: Filter, value: string | undefined) => list.setFilters({ filters: { [f]: value || undefined } });
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
      header: "About",
      className: "max-w-[9rem] truncate whitespace-nowrap text-muted-foreground sm:max-w-[16rem]",
      cell: (e) => <What entry={e} />,
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


  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-muted-foreground">Who did what, and when. Open an entry to see what changed.</p>
      </div>
      <Card>
        <CardContent className="pt-6">
          <form
            onSubmit={(e) => e.preventDefault()}
            className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3"
            aria-label="Filter the audit log"
          >
            <SearchPicker<PickedUser>
              id="audit-actor_id"
              label="By"
              queryKey={["users", "list", "picker"]}
              search={(q) =>
                unwrap(api.GET("/api/v1/users", { params: { query: { q: q || undefined, per_page: 8, sort: "name", order: "asc" } } }))
              }
              itemKey={(u) => u.id}
              itemText={(u) => u.name}
              renderItem={(u) => (
                <span className="flex min-w-0 flex-col">
                  <span className="truncate">{u.name}</span>
                  {u.email && <span className="truncate text-xs text-muted-foreground">{u.email}</span>}
                </span>
              )}
              value={actor}
              clearLabel="Anyone"
              placeholder="Anyone; type a name or email"
              onChange={(u) => {
                setPicked(u);
                setFilter("actor_id", u?.id);
              }}
            />
            <div className="grid gap-1.5">
              <Label htmlFor="audit-entity_type">About</Label>
              <Select
                id="audit-entity_type"
                value={filters.entity_type ?? ""}
                onChange={(e) => {
                  const type = e.target.value || undefined;
                  // An action of another kind would hide everything.
                  const keep = filters.action && actionsFor(type).includes(filters.action) ? filters.action : undefined;
                  list.setFilters({ filters: { entity_type: type, action: keep } });
                }}
              >
                <option value="">Everything</option>
                {ENTITY_TYPES.map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="audit-action">Action</Label>
              <Select id="audit-action" value={filters.action ?? ""} onChange={(e) => setFilter("action", e.target.value)}>
                <option value="">Any action</option>
                {actionsFor(filters.entity_type).map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </Select>
            </div>
            {(["created_after", "created_before"] as const).map((f) => (
              <div key={f} className="grid gap-1.5">
                <Label htmlFor={`audit-${f}`}>{f === "created_after" ? "From" : "Until"}</Label>
                <Input
                  id={`audit-${f}`}
                  type="datetime-local"
                  value={filters[f] ?? ""}
                  onChange={(e) => setFilter(f, e.target.value)}
                />
              </div>
            ))}
            <div className="flex items-end gap-2">
              {list.filtered && (
                <Button
                  variant="ghost"
                  onClick={() => {
                    setPicked(null);
                    list.clearFilters();
                  }}
                >
                  <X aria-hidden="true" /> Clear filters
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
        tableId="audit"
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
