import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, RotateCw, Trash2 } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link, useNavigate, useParams } from "react-router";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { usePageTitle } from "@/lib/usePageTitle";
import { useUnsavedChanges } from "@/lib/useUnsavedChanges";
import { formatDateTime } from "@/lib/utils";
import { CRITICALITIES, LIFECYCLE_STAGES, labelOf, useApplication, useDeleteApplication, useUpdateApplication, type Application } from "./api";
import { APPLICATION_FIELDS, ApplicationFields, applicationSchema, bodyOf, valuesOf, type ApplicationValues, type GroupRef } from "./ApplicationFields";
import { ApplicationStatusBadge, TierBadge } from "./ApplicationsPage";
import { EnvironmentsCard } from "./EnvironmentsCard";
import { ApplicationCmdbSections } from "@/modules/cmdb/ApplicationCmdbSections";

/** A group's name by its id, for the owner and support group; a group one may not see shows its id. */
function useGroupRef(id: string | null | undefined) {
  const query = useQuery({
    queryKey: ["groups", "one", id, "name"],
    enabled: !!id,
    retry: false,
    queryFn: () => unwrap(api.GET("/api/v1/groups/{id}", { params: { path: { id: id! } } })),
  });
  const ref: GroupRef = id ? { id, name: query.data?.name ?? (query.error ? "Unknown group" : "…") } : null;
  return { ref, ready: !id || !query.isPending };
}

function GroupLink({ group }: { group: GroupRef }) {
  if (!group) return <>—</>;
  return (
    <Link to={`/admin/groups/${group.id}`} className="underline-offset-4 hover:underline">
      {group.name}
    </Link>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function EditApplicationForm({
  app,
  owner,
  support,
  onReload,
}: {
  app: Application;
  owner: GroupRef;
  support: GroupRef;
  onReload: () => Promise<Application | undefined>;
}) {
  const update = useUpdateApplication(app.id);
  const [version, setVersion] = React.useState(app.version);
  const [conflict, setConflict] = React.useState(false);
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<ApplicationValues>({ resolver: zodResolver(applicationSchema), defaultValues: valuesOf(app, owner, support) });
  const { isSubmitting, isDirty } = form.formState;
  useUnsavedChanges(isDirty);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    setConflict(false);
    try {
      const saved = await update.mutateAsync({ version, ...bodyOf(v) });
      setVersion(saved.version);
      form.reset(valuesOf(saved, v.owner_group_id, v.support_group_id));
      toast.success(`Saved ${saved.name}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !e.hasFieldErrors) {
        setConflict(true);
        return;
      }
      const rest = applyFieldErrors(e, APPLICATION_FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  const reload = async () => {
    const fresh = await onReload();
    if (fresh) {
      setVersion(fresh.version);
      // The groups are kept as chosen when they did not change; a new one shows its name once loaded.
      form.reset(valuesOf(fresh, owner, support));
    }
    setConflict(false);
    setFormError(null);
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Edit</CardTitle>
        <CardDescription>What the application is, who owns it and how critical it is.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} noValidate aria-label="Edit application">
        <CardContent className="grid gap-4">
          {conflict && (
            <Alert variant="error" data-testid="conflict">
              <p>Someone changed this application; reload to see their changes, then make yours again.</p>
              <Button variant="outline" size="sm" onClick={() => void reload()}>
                <RotateCw aria-hidden="true" /> Reload
              </Button>
            </Alert>
          )}
          {formError && <Alert variant="error">{formError}</Alert>}
          <ApplicationFields form={form} idPrefix="edit-app" withStatus />
        </CardContent>
        <CardFooter className="gap-2">
          <Button type="submit" disabled={isSubmitting || !isDirty}>
            {isSubmitting ? "Saving…" : "Save changes"}
          </Button>
          {isDirty && (
            <Button variant="ghost" onClick={() => form.reset(valuesOf(app, owner, support))}>
              Discard
            </Button>
          )}
        </CardFooter>
      </form>
    </Card>
  );
}

function DeleteApplicationCard({ app }: { app: Application }) {
  const remove = useDeleteApplication(app.id);
  const confirm = useConfirm();
  const navigate = useNavigate();
  const run = async () => {
    const ok = await confirm({
      title: `Delete ${app.app_id} ${app.name}?`,
      body: "It is removed from lists and searches. Its history stays: the audit log and the records that name it keep it.",
      action: "Delete",
      destructive: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync();
      void navigate("/applications");
      toast.success(`${app.app_id} ${app.name} is deleted`);
    } catch (e) {
      toast.error(`Could not delete ${app.name}: ${errorMessage(e)}`);
    }
  };
  return (
    <Card className="border-destructive/40">
      <CardHeader>
        <CardTitle>Delete</CardTitle>
        <CardDescription>Removes the application from lists; its history stays.</CardDescription>
      </CardHeader>
      <CardFooter>
        <Button variant="destructive" onClick={() => void run()} disabled={remove.isPending}>
          <Trash2 aria-hidden="true" /> {remove.isPending ? "Deleting…" : "Delete application"}
        </Button>
      </CardFooter>
    </Card>
  );
}

export function ApplicationDetailPage() {
  const { id = "" } = useParams();
  const { can } = useAuth();
  const query = useApplication(id);
  const app = query.data;
  usePageTitle(app?.name ?? "Application");
  const owner = useGroupRef(app?.owner_group_id);
  const support = useGroupRef(app?.support_group_id);

  return (
    <div className="mx-auto grid max-w-4xl grid-cols-[minmax(0,1fr)] gap-4">
      <Link to="/applications" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" aria-hidden="true" /> Applications
      </Link>
      {query.isPending && (
        <div className="grid gap-3" aria-busy="true" aria-label="Loading application">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-40 w-full" />
        </div>
      )}
      {query.error && (
        <Alert variant="error">
          <p>
            {query.error instanceof ApiError && query.error.status === 404
              ? "This application does not exist, or it was deleted."
              : `Could not load this application: ${errorMessage(query.error)}`}
          </p>
          <Button variant="outline" size="sm" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {app && (
        <>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="min-w-0 break-words text-2xl font-semibold tracking-tight">
              <span className="font-mono">{app.app_id}</span> · {app.name}
            </h1>
            <TierBadge tier={app.tier} />
            <ApplicationStatusBadge status={app.status} />
          </div>
          {app.description && <p className="text-sm text-muted-foreground">{app.description}</p>}
          <Card>
            <CardHeader>
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-4 sm:grid-cols-2">
                <Detail label="Lifecycle stage">{labelOf(LIFECYCLE_STAGES, app.lifecycle_stage)}</Detail>
                <Detail label="Criticality">{labelOf(CRITICALITIES, app.criticality)}</Detail>
                <Detail label="Owner group">
                  <GroupLink group={owner.ref} />
                </Detail>
                <Detail label="Support group">
                  <GroupLink group={support.ref} />
                </Detail>
                <Detail label="Business unit">{app.business_unit || "—"}</Detail>
                <Detail label="Tags">
                  {(app.tags ?? []).length > 0 ? (
                    <span className="flex flex-wrap gap-1">
                      {(app.tags ?? []).map((t) => (
                        <Badge key={t} variant="secondary">
                          {t}
                        </Badge>
                      ))}
                    </span>
                  ) : (
                    "—"
                  )}
                </Detail>
                <Detail label="Created">{formatDateTime(app.created_at)}</Detail>
                <Detail label="Updated">{formatDateTime(app.updated_at)}</Detail>
              </dl>
            </CardContent>
          </Card>
          <EnvironmentsCard app={app} />
          <ApplicationCmdbSections app={app} />
          {can("applications:update") && owner.ready && support.ready && (
            <EditApplicationForm
              key={app.id}
              app={app}
              owner={owner.ref}
              support={support.ref}
              onReload={async () => (await query.refetch()).data}
            />
          )}
          {can("applications:delete") && <DeleteApplicationCard app={app} />}
        </>
      )}
    </div>
  );
}
