/**
 * The applications that realise a service, each a link to its page; someone who may change
 * applications links another one here or unlinks one (with Undo).
 */
import { AppWindow, Link2, Unlink } from "lucide-react";
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
import { labelOf, STATUSES } from "@/modules/applications/api";
import { searchApplications, useApplicationLinkActions, useServiceApplications, type Service, type ServiceApplication } from "./api";

type Pickable = Pick<ServiceApplication, "id" | "app_id" | "name">;

function LinkApplication({ service, linked }: { service: Service; linked: ReadonlySet<string> }) {
  const { link, unlink } = useApplicationLinkActions(service.id);
  const [app, setApp] = React.useState<Pickable | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!app) return;
    try {
      await link.mutateAsync(app.id);
      const done = app;
      setApp(null);
      toast.success(`${done.name} realises ${service.name}`, { undo: () => unlink.mutateAsync(done.id) });
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label="Link an application"
      className="grid grid-cols-[minmax(0,1fr)] items-start gap-2 border-t pt-4 sm:grid-cols-[minmax(0,1fr)_auto]"
    >
      <SearchPicker<Pickable>
        id="service-application"
        label="Link an application"
        placeholder="Name or ID"
        queryKey={["applications", "pick"]}
        search={searchApplications}
        itemKey={(a) => a.id}
        itemText={(a) => `${a.app_id} ${a.name}`}
        value={app}
        onChange={setApp}
        exclude={(a) => linked.has(a.id)}
      />
      <Button type="submit" className="sm:mt-[1.375rem]" disabled={!app || link.isPending}>
        <Link2 aria-hidden="true" /> {link.isPending ? "Linking…" : "Link"}
      </Button>
    </form>
  );
}

export function ApplicationsCard({ service }: { service: Service }) {
  const { can } = useAuth();
  const query = useServiceApplications(service.id);
  const { link, unlink } = useApplicationLinkActions(service.id);
  const may = can("applications:update");
  const list = React.useMemo(() => query.data ?? [], [query.data]);
  const linked = React.useMemo(() => new Set(list.map((a) => a.id)), [list]);

  const runUnlink = async (a: ServiceApplication) => {
    try {
      await unlink.mutateAsync(a.id);
      toast.success(`${a.name} no longer realises ${service.name}`, { undo: () => link.mutateAsync(a.id) });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <Card data-testid="service-applications">
      <CardHeader>
        <CardTitle>Applications{query.data ? ` (${list.length})` : ""}</CardTitle>
        <CardDescription>The applications that realise {service.name}.</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        {query.isPending && <Skeleton className="h-12 w-full" />}
        {query.error && <Alert variant="error">Could not load the applications: {errorMessage(query.error)}</Alert>}
        {query.data && list.length === 0 && <EmptyState icon={AppWindow} title="No applications realise it yet." className="py-4" />}
        {list.length > 0 && (
          <ul className="grid grid-cols-[minmax(0,1fr)] gap-2">
            {list.map((a) => (
              <li key={a.id} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm" data-testid="service-application">
                <Link to={`/applications/${a.id}`} className="min-w-0 flex-1 truncate hover:underline">
                  <span className="font-mono text-xs">{a.app_id}</span> <span className="font-medium">{a.name}</span>
                </Link>
                <Badge variant={a.tier === "P1" ? "default" : "secondary"}>{a.tier}</Badge>
                <Badge variant={a.status === "active" ? "success" : a.status === "deprecated" ? "warning" : "muted"} className="max-sm:hidden">
                  {labelOf(STATUSES, a.status)}
                </Badge>
                {may && (
                  <Button size="sm" variant="ghost" aria-label={`Unlink ${a.name}`} disabled={unlink.isPending} onClick={() => void runUnlink(a)}>
                    <Unlink aria-hidden="true" />
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {may && <LinkApplication service={service} linked={linked} />}
      </CardContent>
    </Card>
  );
}
