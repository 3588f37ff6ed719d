/**
 * Business services: the whole portfolio as a tree with each subtree's cost, and the service
 * picked (its id in the URL, `/services/:id`) beside it on a desktop, or as a page of its own
 * on a phone. Search and the type and status filters live in the URL.
 */
import { Layers, Plus } from "lucide-react";
import * as React from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { EmptyState } from "@/components/EmptyState";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useCreateParam } from "@/lib/useCreateParam";
import { useShortcut } from "@/lib/shortcuts";
import { usePageTitle } from "@/lib/usePageTitle";
import { cn } from "@/lib/utils";
import { SERVICE_STATUSES, SERVICE_TYPES, useAllServices, type Service } from "./api";
import { NewServiceDialog } from "./NewServiceDialog";
import type { ServiceRef } from "./ServiceFields";
import { ServicePanel } from "./ServicePanel";
import { ServiceTree } from "./ServiceTree";
import type { TreeFilter } from "./serviceTree";

const WHAT =
  "A business service is something the organisation offers or runs, such as payroll or online ordering; services nest into a tree, are realised by applications, and roll their cost up to the top.";

const FILTER_KEYS = ["q", "type", "status"] as const;

/** The tree's search and filters from the URL; unknown values are dropped. */
function filterOf(params: URLSearchParams): TreeFilter {
  const type = params.get("type") ?? "";
  const status = params.get("status") ?? "";
  return {
    q: params.get("q") ?? "",
    type: SERVICE_TYPES.some((t) => t.value === type) ? (type as TreeFilter["type"]) : "",
    status: SERVICE_STATUSES.some((s) => s.value === status) ? (status as TreeFilter["status"]) : "",
  };
}

export function ServicesPage() {
  usePageTitle("Services");
  const { can } = useAuth();
  const navigate = useNavigate();
  const { id: selectedId = null } = useParams();
  // `undefined`: closed; `null`: a new top-level service; a service: a new child of it.
  const [creating, setCreating] = React.useState<ServiceRef | undefined>(undefined);
  const canCreate = can("services:create");
  useShortcut("c", "New service", () => setCreating(null), canCreate);
  useCreateParam(() => setCreating(null), canCreate);

  const services = useAllServices();
  const all = React.useMemo(() => services.data ?? [], [services.data]);
  const byId = React.useMemo(() => new Map(all.map((s) => [s.id, s])), [all]);
  const selected: Service | null = selectedId ? (byId.get(selectedId) ?? null) : null;
  const [params, setParams] = useSearchParams();
  const filter = React.useMemo(() => filterOf(params), [params]);
  const keep = () => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) if (filter[k]) p.set(k, filter[k]);
    const s = p.toString();
    return s ? `?${s}` : "";
  };
  const select = (id: string) => navigate(`/services/${id}${keep()}`);
  const setFilter = (f: TreeFilter) => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]);
    setParams(p, { replace: true });
  };

  const newButton = canCreate && (
    <Button onClick={() => setCreating(null)}>
      <Plus aria-hidden="true" /> New service
    </Button>
  );

  return (
    <div className="mx-auto grid max-w-7xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className={cn("flex flex-wrap items-center justify-between gap-3", selectedId && "max-md:hidden")}>
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Services</h1>
          <p className="text-sm text-muted-foreground">The service portfolio: what it holds, who runs it and what it costs.</p>
        </div>
        {all.length > 0 && newButton}
      </div>
      {services.error && <Alert variant="error">Could not load the services: {errorMessage(services.error)}</Alert>}
      {services.isPending && <Skeleton className="h-40 w-full" />}
      {services.data && all.length === 0 && <EmptyState bordered icon={Layers} title="No services yet." description={WHAT} action={newButton} />}
      {all.length > 0 && (
        <div className="grid grid-cols-[minmax(0,1fr)] items-start gap-6 md:grid-cols-[20rem_minmax(0,1fr)] lg:grid-cols-[24rem_minmax(0,1fr)]">
          <nav aria-label="Service hierarchy" className={cn("min-w-0 md:sticky md:top-16", selectedId && "max-md:hidden")}>
            <ServiceTree services={all} selectedId={selectedId} onSelect={select} filter={filter} onFilter={setFilter} />
          </nav>
          {selected ? (
            <ServicePanel
              key={selected.id}
              service={selected}
              all={all}
              byId={byId}
              onAddChild={(parent) => setCreating(parent)}
              onDeleted={() => navigate(selected.parent_service_id ? `/services/${selected.parent_service_id}` : "/services")}
            />
          ) : selectedId ? (
            <div className="grid justify-items-start gap-2">
              <Alert variant="error">There is no such service; it may have been deleted.</Alert>
              <Link to="/services" className="text-sm underline">
                All services
              </Link>
            </div>
          ) : (
            <EmptyState
              bordered
              className="max-md:hidden"
              icon={Layers}
              title="Pick a service"
              description="Its roll-up, relationships, stakeholders and applications show here."
            />
          )}
        </div>
      )}
      {creating !== undefined && (
        <NewServiceDialog
          parent={creating}
          onClose={() => setCreating(undefined)}
          onCreated={(s) => {
            setCreating(undefined);
            select(s.id);
          }}
        />
      )}
    </div>
  );
}
