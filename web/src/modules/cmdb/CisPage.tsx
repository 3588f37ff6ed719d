import { useQueries } from "@tanstack/react-query";
import { Plus, Search, SearchX, Server, Upload, X } from "lucide-react";
import * as React from "react";
import { Link, useNavigate } from "react-router";
import { api, unwrap } from "@/api/client";
import { useAuth } from "@/auth/auth";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ExportCsvButton } from "@/components/ExportCsvButton";
import { ImportCsvDialog } from "@/components/ImportCsvDialog";
import { SearchPicker } from "@/components/SearchPicker";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { useCreateParam } from "@/lib/useCreateParam";
import { useListQuery, useSearchBox } from "@/lib/useListQuery";
import { usePageTitle } from "@/lib/usePageTitle";
import { useShortcut } from "@/lib/shortcuts";
import { type ListSpec } from "@/lib/tableState";
import { formatDateTime } from "@/lib/utils";
import { labelOf } from "@/modules/applications/api";
import { CI_ENVIRONMENTS, CI_STATUSES, classLabel, cmdbKeys, fetchCiPage, searchApplications, useCiClasses } from "./api";
import { useAppRef } from "./CiFields";
import { CreateCiDialog } from "./CreateCiDialog";
import { CI_CSV_COLUMNS } from "./csv";
import { classColour } from "./graph";
import type { Ci, CiStatus } from "./types";

type CiSort = "number" | "name" | "ci_class" | "status" | "environment" | "created_at" | "updated_at";
type CiFilter = "ci_class" | "status" | "environment" | "application_id" | `attr.${string}`;

export const CIS_SPEC: ListSpec<CiSort, CiFilter> = {
  sorts: ["number", "name", "ci_class", "status", "environment", "created_at", "updated_at"],
  defaultSort: "number",
  defaultOrder: "asc",
  filters: {
    ci_class: "text",
    status: CI_STATUSES.map((s) => s.value),
    environment: CI_ENVIRONMENTS.map((e) => e.value),
    application_id: "text",
  },
  prefixes: ["attr."],
  perPageOptions: [10, 25, 50, 100],
  defaultPerPage: 25,
};

export function CiStatusBadge({ status }: { status: CiStatus }) {
  const variant = status === "active" ? "success" : status === "maintenance" ? "warning" : "muted";
  return <Badge variant={variant}>{labelOf(CI_STATUSES, status)}</Badge>;
}

export function ClassChip({ name, label }: { name: string; label: string }) {
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span className="inline-block size-2.5 rounded-sm" style={{ background: classColour(name) }} aria-hidden="true" />
      {label}
    </span>
  );
}

/** The names of the applications on a page of CIs, by id. */
function useApplicationNames(ids: string[]): Map<string, string> {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ["applications", "one", id],
      retry: false,
      staleTime: 60_000,
      queryFn: () => unwrap(api.GET("/api/v1/applications/{id}", { params: { path: { id } } })),
    })),
  });
  return new Map(ids.map((id, i) => [id, results[i]?.data ? `${results[i].data.app_id} ${results[i].data.name}` : "…"]));
}

function FilterSelect({
  label,
  all,
  value,
  options,
  onChange,
}: {
  label: string;
  all: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (v: string | undefined) => void;
}) {
  return (
    <Select aria-label={label} className="sm:w-40" value={value} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </Select>
  );
}

/** Key and value of a new `attr.<key>=<value>` filter. */
function AttributeFilter({ onAdd }: { onAdd: (key: string, value: string) => void }) {
  const [key, setKey] = React.useState("");
  const [value, setValue] = React.useState("");
  const valid = /^[A-Za-z0-9_]{1,64}$/.test(key.trim()) && value.trim() !== "";
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      aria-label="Filter by attribute"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        onAdd(key.trim(), value.trim());
        setKey("");
        setValue("");
      }}
    >
      <Input aria-label="Attribute" placeholder="Attribute, e.g. os" className="w-40" value={key} onChange={(e) => setKey(e.target.value)} maxLength={64} />
      <Input aria-label="Attribute value" placeholder="Value" className="w-40" value={value} onChange={(e) => setValue(e.target.value)} maxLength={255} />
      <Button type="submit" variant="outline" size="sm" disabled={!valid}>
        Add filter
      </Button>
    </form>
  );
}

export function CisPage() {
  usePageTitle("Configuration items");
  const { can } = useAuth();
  const navigate = useNavigate();
  const classes = useCiClasses();
  const list = useListQuery({ spec: CIS_SPEC, queryKey: cmdbKeys.lists, fetch: fetchCiPage });
  const { state } = list;
  const [search, setSearch] = useSearchBox(list);
  const [creating, setCreating] = React.useState(false);
  const [importing, setImporting] = React.useState(false);
  useShortcut("c", "New configuration item", () => setCreating(true), can("cmdb:create"));
  useCreateParam(() => setCreating(true), can("cmdb:create"));
  const appFilter = useAppRef(state.filters.application_id);
  const appIds = [...new Set((list.table.rows ?? []).map((c) => c.application_id).filter((x): x is string => !!x))];
  const appNames = useApplicationNames(appIds);
  const attrFilters = (Object.entries(state.filters) as [string, string][]).filter(([k]) => k.startsWith("attr."));

  const columns: Column<Ci, CiSort>[] = [
    {
      key: "number",
      header: "Number",
      sort: "number",
      className: "whitespace-nowrap",
      cell: (c) => (
        <Link to={`/cmdb/cis/${c.id}`} className="font-mono font-medium text-foreground underline-offset-4 hover:underline">
          {c.number}
        </Link>
      ),
    },
    {
      key: "name",
      header: "Name",
      sort: "name",
      cell: (c) => (
        <span title={c.name} className="block max-w-[10rem] truncate sm:max-w-[16rem]">
          {c.name}
        </span>
      ),
    },
    { key: "ci_class", header: "Class", sort: "ci_class", cell: (c) => <ClassChip name={c.ci_class} label={classLabel(classes.data, c.ci_class)} /> },
    { key: "status", header: "Status", sort: "status", className: "hidden sm:table-cell", cell: (c) => <CiStatusBadge status={c.status} /> },
    {
      key: "environment",
      header: "Environment",
      sort: "environment",
      className: "hidden whitespace-nowrap md:table-cell",
      cell: (c) => labelOf(CI_ENVIRONMENTS, c.environment),
    },
    {
      key: "application",
      header: "Application",
      className: "hidden lg:table-cell",
      cell: (c) =>
        c.application_id ? (
          <span className="block max-w-[14rem] truncate">{appNames.get(c.application_id) ?? "…"}</span>
        ) : (
          "—"
        ),
    },
    {
      key: "updated_at",
      header: "Updated",
      sort: "updated_at",
      className: "hidden whitespace-nowrap 2xl:table-cell",
      cell: (c) => formatDateTime(c.updated_at),
    },
  ];

  const newCi = can("cmdb:create") && (
    <Button onClick={() => setCreating(true)} data-testid="new-ci">
      <Plus aria-hidden="true" /> New configuration item
    </Button>
  );

  return (
    <div className="mx-auto grid max-w-6xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Configuration items</h1>
          <p className="text-sm text-muted-foreground">
            The servers, databases and other parts services run on, and how they depend on each other.{" "}
            <Link to="/cmdb/classes" className="underline-offset-4 hover:underline">
              Classes
            </Link>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <ExportCsvButton path="/api/v1/cmdb/cis" query={{ ...list.query }} fallbackName="configuration-items.csv" />
          {can("cmdb:create") && (
            <Button variant="outline" onClick={() => setImporting(true)}>
              <Upload aria-hidden="true" /> Import CSV
            </Button>
          )}
          {newCi}
        </div>
      </div>
      <div className="grid gap-2" role="search" aria-label="Filter configuration items">
        <div className="flex flex-col gap-2 lg:flex-row">
          <div className="relative flex-1">
            <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden="true" />
            <Input
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="Search name, number or description"
              aria-label="Search configuration items"
              className="pl-8"
              maxLength={200}
            />
          </div>
          <div className="grid grid-cols-2 gap-2 sm:flex">
            <FilterSelect
              label="Class"
              all="All classes"
              value={state.filters.ci_class ?? ""}
              options={(classes.data ?? []).map((c) => ({ value: c.name, label: c.label }))}
              onChange={(ci_class) => list.setFilters({ filters: { ci_class } })}
            />
            <FilterSelect
              label="Status"
              all="All statuses"
              value={state.filters.status ?? ""}
              options={CI_STATUSES}
              onChange={(status) => list.setFilters({ filters: { status } })}
            />
            <FilterSelect
              label="Environment"
              all="All environments"
              value={state.filters.environment ?? ""}
              options={CI_ENVIRONMENTS}
              onChange={(environment) => list.setFilters({ filters: { environment } })}
            />
          </div>
        </div>
        <div className="flex flex-col gap-2 md:flex-row md:items-end">
          <SearchPicker
            id="ci-filter-application"
            label="Application"
            className="md:w-72"
            queryKey={["applications", "pick"]}
            search={searchApplications}
            itemKey={(a) => a.id}
            itemText={(a) => ("app_id" in a ? `${a.app_id} ${a.name}` : a.name)}
            value={appFilter.ref}
            onChange={(a) => list.setFilters({ filters: { application_id: a?.id } })}
            clearLabel="All applications"
          />
          <AttributeFilter onAdd={(k, v) => list.setFilters({ filters: { [`attr.${k}`]: v } })} />
        </div>
        {attrFilters.length > 0 && (
          <ul className="flex flex-wrap gap-2" aria-label="Attribute filters">
            {attrFilters.map(([k, v]) => (
              <li key={k}>
                <Badge variant="secondary" className="gap-1">
                  {k.slice(5)} = {v}
                  <button
                    type="button"
                    className="rounded-sm p-0.5 hover:bg-background"
                    aria-label={`Remove filter ${k.slice(5)} = ${v}`}
                    onClick={() => list.setFilters({ filters: { [k]: undefined } })}
                  >
                    <X className="size-3" aria-hidden="true" />
                  </button>
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </div>
      <DataTable
        caption="Configuration items"
        tableId="cmdb-cis"
        rowTestId="ci-row"
        columns={columns}
        rowKey={(c) => c.id}
        onRowClick={(c) => void navigate(`/cmdb/cis/${c.id}`)}
        {...list.table}
        empty={
          list.filtered ? (
            <EmptyState
              icon={SearchX}
              title="No configuration items match these filters."
              description="Try other words, or other filters."
              action={
                <Button
                  variant="outline"
                  size="sm"
                  onClick={() => {
                    setSearch("");
                    list.clearFilters();
                  }}
                >
                  <X aria-hidden="true" /> Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={Server}
              title="No configuration items yet."
              description="A configuration item is a part an application runs on — a server, a database, a load balancer — with its attributes and its relationships to other parts."
              action={newCi}
            />
          )
        }
      />
      <CreateCiDialog open={creating} onOpenChange={setCreating} />
      <ImportCsvDialog
        open={importing}
        onOpenChange={setImporting}
        what="configuration items"
        endpoint="/api/v1/cmdb/cis/import"
        columns={CI_CSV_COLUMNS}
        templateName="configuration-items-template.csv"
        onImported={() => void list.result.refetch()}
      />
    </div>
  );
}
