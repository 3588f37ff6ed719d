import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronDown, ChevronRight } from "lucide-react";
import * as React from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { changesView, localToRfc3339, showValue } from "@/lib/auditDiff";
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
const PER_PAGE = 50;

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

function EntryRow({ entry }: { entry: Entry }) {
  const [open, setOpen] = React.useState(false);
  const panelId = `audit-${entry.id}`;
  return (
    <li className="rounded-md border" data-testid="audit-entry">
      <button
        type="button"
        className="flex w-full flex-wrap items-center gap-x-3 gap-y-1 p-3 text-left text-sm hover:bg-accent/50"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? <ChevronDown className="size-4" aria-hidden="true" /> : <ChevronRight className="size-4" aria-hidden="true" />}
        <span className="font-mono font-medium">{entry.action}</span>
        <span className="text-muted-foreground">
          {entry.entity_type}
          {entry.entity_id ? ` ${shortId(entry.entity_id)}` : ""}
        </span>
        <span className="ml-auto text-xs text-muted-foreground">{formatDateTime(entry.created_at)}</span>
      </button>
      {open && (
        <div id={panelId} className="grid gap-3 border-t p-3">
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
      )}
    </li>
  );
}

/** A short, telling form of an id (UUIDv7s share their leading time bits, so the end). */
function shortId(id: string): string {
  return `…${id.slice(-8)}`;
}

/** Who did what and when, filtered through the URL. */
export function AuditPage() {
  usePageTitle("Audit log");
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const values = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ""])) as Record<Filter, string>;
  const [draft, setDraft] = React.useState(values);
  const paramsKey = params.toString();
  const [seenKey, setSeenKey] = React.useState(paramsKey);
  if (seenKey !== paramsKey) {
    // Back and forward change the URL: the form follows.
    setSeenKey(paramsKey);
    setDraft(values);
  }

  const query = {
    page,
    per_page: PER_PAGE,
    action: values.action || undefined,
    entity_type: values.entity_type || undefined,
    actor_id: values.actor_id || undefined,
    created_after: localToRfc3339(values.created_after),
    created_before: localToRfc3339(values.created_before),
  };
  const list = useQuery({
    queryKey: ["audit-logs", query],
    queryFn: () => unwrap(api.GET("/api/v1/audit-logs", { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const meta = list.data?.meta;
  const entries = list.data?.data ?? [];
  const filtered = FILTERS.some((f) => values[f]);

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const f of FILTERS) if (draft[f].trim()) next.set(f, draft[f].trim());
    setParams(next);
  };
  const goTo = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    setParams(next);
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
              {filtered && (
                <Button variant="ghost" onClick={() => setParams(new URLSearchParams())}>
                  Clear filters
                </Button>
              )}
            </div>
          </form>
        </CardContent>
      </Card>
      {list.error && (
        <Alert variant="error">
          <p>Could not load the audit log: {errorMessage(list.error)}</p>
          <Button variant="outline" size="sm" onClick={() => void list.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {list.isPending && <Skeleton className="h-40 w-full" />}
      {list.data && entries.length === 0 && (
        <p className="rounded-md border p-6 text-center text-sm text-muted-foreground">
          {filtered ? "No entries match these filters." : "Nothing recorded yet."}
        </p>
      )}
      <ul className="grid gap-2" aria-label="Audit entries" aria-busy={list.isFetching}>
        {entries.map((e) => (
          <EntryRow key={e.id} entry={e} />
        ))}
      </ul>
      {meta && meta.total_pages > 1 && (
        <nav className="flex items-center justify-between gap-2 text-sm" aria-label="Pages">
          <Button variant="outline" size="sm" onClick={() => goTo(page - 1)} disabled={page <= 1}>
            Previous
          </Button>
          <span>
            Page {meta.page} of {meta.total_pages} ({meta.total} entries)
          </span>
          <Button variant="outline" size="sm" onClick={() => goTo(page + 1)} disabled={page >= meta.total_pages}>
            Next
          </Button>
        </nav>
      )}
    </div>
  );
}
