import { AppWindow, Plus, Search, SearchX, Upload, X } from "lucide-react";
import * as React from "react";
import { Link, useNavigate } from "react-router";
import { useAuth } from "@/auth/auth";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { ExportCsvButton } from "@/components/ExportCsvButton";
import { ImportCsvDialog } from "@/components/ImportCsvDialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { useCreateParam } from "@/lib/useCreateParam";
import { useListQuery, useSearchBox } from "@/lib/useListQuery";
import { usePageTitle } from "@/lib/usePageTitle";
import { useShortcut } from "@/lib/shortcuts";
import { type ListSpec } from "@/lib/tableState";
import { formatDateTime } from "@/lib/utils";
import {
  applicationKeys,
  CRITICALITIES,
  fetchApplicationPage,
  LIFECYCLE_STAGES,
  labelOf,
  STATUSES,
  TIERS,
  type Application,
  type ApplicationStatus,
  type Tier,
} from "./api";
import { CreateApplicationDialog } from "./CreateApplicationDialog";
import { APPLICATION_CSV_COLUMNS } from "./csv";

type ApplicationSort = "name" | "app_id" | "tier" | "created_at" | "updated_at";
type ApplicationFilter = "tier" | "status" | "lifecycle_stage" | "criticality";

export const APPLICATIONS_SPEC: ListSpec<ApplicationSort, ApplicationFilter> = {
  sorts: ["name", "app_id", "tier", "created_at", "updated_at"],
  defaultSort: "name",
  defaultOrder: "asc",
  filters: {
    tier: TIERS.map((t) => t.value),
    status: STATUSES.map((s) => s.value),
    lifecycle_stage: LIFECYCLE_STAGES.map((s) => s.value),
    criticality: CRITICALITIES.map((c) => c.value),
  },
  perPageOptions: [10, 25, 50, 100],
  defaultPerPage: 25,
};

export function TierBadge({ tier }: { tier: Tier }) {
  return (
    <Badge variant={tier === "P1" ? "default" : "secondary"} title={tier === "P1" ? "P1: most critical" : undefined}>
      {tier}
    </Badge>
  );
}

export function ApplicationStatusBadge({ status }: { status: ApplicationStatus }) {
  const variant = status === "active" ? "success" : status === "deprecated" ? "warning" : "muted";
  return <Badge variant={variant}>{labelOf(STATUSES, status)}</Badge>;
}

const COLUMNS: Column<Application, ApplicationSort>[] = [
  {
    key: "app_id",
    header: "ID",
    sort: "app_id",
    className: "whitespace-nowrap",
    cell: (a) => (
      <Link to={`/applications/${a.id}`} className="font-mono font-medium text-foreground underline-offset-4 hover:underline">
        {a.app_id}
      </Link>
    ),
  },
  {
    key: "name",
    header: "Name",
    sort: "name",
    cell: (a) => (
      <span title={a.name} className="block max-w-[12rem] truncate sm:max-w-[18rem]">
        {a.name}
      </span>
    ),
  },
  { key: "tier", header: "Tier", sort: "tier", cell: (a) => <TierBadge tier={a.tier} /> },
  { key: "status", header: "Status", cell: (a) => <ApplicationStatusBadge status={a.status} /> },
  {
    key: "lifecycle_stage",
    header: "Lifecycle",
    className: "hidden whitespace-nowrap md:table-cell",
    cell: (a) => labelOf(LIFECYCLE_STAGES, a.lifecycle_stage),
  },
  {
    key: "criticality",
    header: "Criticality",
    className: "hidden whitespace-nowrap lg:table-cell",
    cell: (a) => labelOf(CRITICALITIES, a.criticality),
  },
  {
    key: "updated_at",
    header: "Updated",
    sort: "updated_at",
    className: "hidden whitespace-nowrap xl:table-cell",
    cell: (a) => formatDateTime(a.updated_at),
  },
];

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

export function ApplicationsPage() {
  usePageTitle("Applications");
  const { can } = useAuth();
  const navigate = useNavigate();
  const list = useListQuery({ spec: APPLICATIONS_SPEC, queryKey: applicationKeys.lists, fetch: fetchApplicationPage });
  const { state } = list;
  const [search, setSearch] = useSearchBox(list);
  const [creating, setCreating] = React.useState(false);
  const [importing, setImporting] = React.useState(false);
  useShortcut("c", "New application", () => setCreating(true), can("applications:create"));
  useCreateParam(() => setCreating(true), can("applications:create"));


  const newApplication = can("applications:create") && (
    <Button onClick={() => setCreating(true)} data-testid="new-application">
      <Plus aria-hidden="true" /> New application
    </Button>
  );

  return (
    <div className="mx-auto grid max-w-6xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Applications</h1>
          <p className="text-sm text-muted-foreground">The business services the organisation runs, and where they run.</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <ExportCsvButton path="/api/v1/applications" query={{ ...list.query }} fallbackName="applications.csv" />
          {can("applications:create") && (
            <Button variant="outline" onClick={() => setImporting(true)}>
              <Upload aria-hidden="true" /> Import CSV
            </Button>
          )}
          {newApplication}
        </div>
      </div>
      <div className="flex flex-col gap-2 lg:flex-row" role="search" aria-label="Filter applications">
        <div className="relative flex-1">
          <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden="true" />
          <Input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search name or ID"
            aria-label="Search applications"
            className="pl-8"
            maxLength={200}
          />
        </div>
        <div className="grid grid-cols-2 gap-2 sm:flex">
          <FilterSelect
            label="Tier"
            all="All tiers"
            value={state.filters.tier ?? ""}
            options={TIERS}
            onChange={(tier) => list.setFilters({ filters: { tier } })}
          />
          <FilterSelect
            label="Status"
            all="All statuses"
            value={state.filters.status ?? ""}
            options={STATUSES}
            onChange={(status) => list.setFilters({ filters: { status } })}
          />
          <FilterSelect
            label="Lifecycle stage"
            all="All stages"
            value={state.filters.lifecycle_stage ?? ""}
            options={LIFECYCLE_STAGES}
            onChange={(lifecycle_stage) => list.setFilters({ filters: { lifecycle_stage } })}
          />
          <FilterSelect
            label="Criticality"
            all="All criticalities"
            value={state.filters.criticality ?? ""}
            options={CRITICALITIES}
            onChange={(criticality) => list.setFilters({ filters: { criticality } })}
          />
        </div>
      </div>
      <DataTable
        caption="Applications"
        tableId="applications"
        rowTestId="application-row"
        columns={COLUMNS}
        rowKey={(a) => a.id}
        onRowClick={(a) => void navigate(`/applications/${a.id}`)}
        {...list.table}
        empty={
          list.filtered ? (
            <EmptyState
              icon={SearchX}
              title="No applications match these filters."
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
              icon={AppWindow}
              title="No applications yet."
              description="An application is a business service the organisation runs, such as a web shop or a payroll system: who owns it, how critical it is, and the environments it runs in."
              action={newApplication}
            />
          )
        }
      />
      <CreateApplicationDialog open={creating} onOpenChange={setCreating} />
      <ImportCsvDialog
        open={importing}
        onOpenChange={setImporting}
        what="applications"
        endpoint="/api/v1/applications/import"
        columns={APPLICATION_CSV_COLUMNS}
        templateName="applications-template.csv"
        onImported={() => void list.result.refetch()}
      />
    </div>
  );
}
