/**
 * The CMDB's sections of an application's page: the configuration items linked to it, the
 * business services it realises (attach, detach), and its relationship graph and impact.
 */
import { Link2Off, Plus } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { EmptyState } from "@/components/EmptyState";
import { SearchPicker } from "@/components/SearchPicker";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { labelOf } from "@/modules/applications/api";
import { CI_ENVIRONMENTS, classLabel, searchServices, useApplicationCis, useApplicationServices, useCiClasses, useLinkService } from "./api";
import { CiStatusBadge, ClassChip } from "./CisPage";
import { CreateCiDialog } from "./CreateCiDialog";
import { GraphAndImpact } from "./GraphAndImpact";
import type { ServiceSummary } from "./types";

interface AppLike {
  id: string;
  app_id: string;
  name: string;
}

function LinkedCisCard({ app }: { app: AppLike }) {
  const { can } = useAuth();
  const cis = useApplicationCis(app.id);
  const classes = useCiClasses();
  const [creating, setCreating] = React.useState(false);
  const rows = cis.data?.data ?? [];
  const total = cis.data?.meta.total ?? 0;
  return (
    <Card data-testid="linked-cis-card">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-2">
        <div className="grid gap-1.5">
          <CardTitle>Configuration items</CardTitle>
          <CardDescription>The servers, databases and other parts {app.name} runs on.</CardDescription>
        </div>
        {can("cmdb:create") && (
          <Button variant="outline" size="sm" onClick={() => setCreating(true)}>
            <Plus aria-hidden="true" /> Add configuration item
          </Button>
        )}
      </CardHeader>
      <CardContent>
        {cis.isPending && <Skeleton className="h-16 w-full" />}
        {cis.error && <Alert variant="error">Could not load its configuration items: {errorMessage(cis.error)}</Alert>}
        {cis.data && rows.length === 0 && <EmptyState bordered title="No configuration items yet." description="Link the parts it runs on to see its graph and impact." />}
        {rows.length > 0 && (
          <div className="overflow-x-auto rounded-md border">
            <table className="w-full text-sm">
              <caption className="sr-only">Configuration items of {app.name}</caption>
              <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
                <tr>
                  <th scope="col" className="px-3 py-1.5">Number</th>
                  <th scope="col" className="px-3 py-1.5">Name</th>
                  <th scope="col" className="hidden px-3 py-1.5 sm:table-cell">Class</th>
                  <th scope="col" className="hidden px-3 py-1.5 md:table-cell">Environment</th>
                  <th scope="col" className="px-3 py-1.5">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id} className="border-t" data-testid="linked-ci-row">
                    <td className="px-3 py-1.5 whitespace-nowrap">
                      <Link to={`/cmdb/cis/${c.id}`} className="font-mono underline-offset-4 hover:underline">
                        {c.number}
                      </Link>
                    </td>
                    <td className="max-w-[10rem] truncate px-3 py-1.5 sm:max-w-[16rem]" title={c.name}>
                      {c.name}
                    </td>
                    <td className="hidden px-3 py-1.5 sm:table-cell">
                      <ClassChip name={c.ci_class} label={classLabel(classes.data, c.ci_class)} />
                    </td>
                    <td className="hidden px-3 py-1.5 whitespace-nowrap md:table-cell">{labelOf(CI_ENVIRONMENTS, c.environment)}</td>
                    <td className="px-3 py-1.5">
                      <CiStatusBadge status={c.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > rows.length && (
          <p className="mt-2 text-sm">
            <Link to={`/cmdb?application_id=${app.id}`} className="underline-offset-4 hover:underline">
              All {total} configuration items
            </Link>
          </p>
        )}
      </CardContent>
      <CreateCiDialog open={creating} onOpenChange={setCreating} application={{ id: app.id, name: `${app.app_id} ${app.name}` }} />
    </Card>
  );
}

function LinkedServicesCard({ app }: { app: AppLike }) {
  const { can } = useAuth();
  const services = useApplicationServices(app.id);
  const link = useLinkService(app.id);
  const [picked, setPicked] = React.useState<ServiceSummary | null>(null);
  const may = can("applications:update") && can("services:read");

  const attach = async (s: ServiceSummary) => {
    try {
      await link.mutateAsync({ serviceId: s.id, link: true });
      toast.success(`${app.name} realises ${s.name}`);
      setPicked(null);
    } catch (e) {
      toast.error(`Could not link ${s.name}: ${errorMessage(e)}`);
    }
  };
  const detach = async (s: ServiceSummary) => {
    try {
      await link.mutateAsync({ serviceId: s.id, link: false });
      toast.success(`${s.name} is unlinked`, { undo: () => link.mutateAsync({ serviceId: s.id, link: true }) });
    } catch (e) {
      toast.error(`Could not unlink ${s.name}: ${errorMessage(e)}`);
    }
  };

  return (
    <Card data-testid="linked-services-card">
      <CardHeader>
        <CardTitle>Business services</CardTitle>
        <CardDescription>The services {app.name} realises.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {services.isPending && <Skeleton className="h-10 w-full" />}
        {services.error && <Alert variant="error">Could not load its services: {errorMessage(services.error)}</Alert>}
        {services.data && services.data.length === 0 && <p className="text-sm text-muted-foreground">It realises no service yet.</p>}
        {services.data && services.data.length > 0 && (
          <ul className="divide-y rounded-md border text-sm" aria-label="Services">
            {services.data.map((s) => (
              <li key={s.id} className="flex items-center gap-2 px-3 py-1.5" data-testid="linked-service-row">
                <Link to={`/services/${s.id}`} className="min-w-0 flex-1 truncate underline-offset-4 hover:underline">
                  <span className="font-mono">{s.number}</span> {s.name}
                </Link>
                <Badge variant="muted">{s.status}</Badge>
                {may && (
                  <Button variant="ghost" size="icon" aria-label={`Unlink ${s.name}`} onClick={() => void detach(s)} disabled={link.isPending}>
                    <Link2Off aria-hidden="true" />
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {may && (
          <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
            <SearchPicker
              id={`app-${app.id}-service`}
              label="Link a service"
              className="sm:w-80"
              queryKey={["services", "pick"]}
              search={searchServices}
              itemKey={(s) => s.id}
              itemText={(s) => `${s.number} ${s.name}`}
              value={picked}
              onChange={setPicked}
              exclude={(s) => !!services.data?.some((l) => l.id === s.id)}
            />
            <Button variant="outline" onClick={() => picked && void attach(picked)} disabled={!picked || link.isPending}>
              Link service
            </Button>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

export function ApplicationCmdbSections({ app }: { app: AppLike }) {
  const { can } = useAuth();
  return (
    <>
      {can("cmdb:read") && <LinkedCisCard app={app} />}
      {can("services:read") && <LinkedServicesCard app={app} />}
      {can("cmdb:read") && <GraphAndImpact kind="application" id={app.id} label={`${app.app_id} ${app.name}`} />}
    </>
  );
}
