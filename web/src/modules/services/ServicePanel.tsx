/**
 * One service: its details and the form that edits them (a move under another parent
 * included), delete, its roll-up, relationships, stakeholders and the applications that
 * realise it. Beside the tree on a desktop; a page of its own on a phone.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Plus, Trash2 } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { useUnsavedChanges } from "@/lib/useUnsavedChanges";
import { formatDateTime } from "@/lib/utils";
import { serviceKeys, useDeleteService, useUpdateService, useUserRef, type Service, type UserRef } from "./api";
import { ApplicationsCard } from "./ApplicationsCard";
import { ServiceStatusBadge, ServiceTypeBadge } from "./badges";
import { RelationshipsCard } from "./RelationshipsCard";
import { RollupCard } from "./RollupCard";
import { SERVICE_FIELDS, ServiceFields, serviceRef, serviceSchema, valuesOf, bodyOf, type ServiceRef, type ServiceValues } from "./ServiceFields";
import { excludedParents, formatMoney, servicePath } from "./serviceTree";
import { StakeholdersCard } from "./StakeholdersCard";

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function UserLink({ user }: { user: UserRef }) {
  if (!user) return <>—</>;
  return (
    <Link to={`/users/${user.id}`} className="underline-offset-4 hover:underline">
      {user.name}
    </Link>
  );
}

interface Refs {
  parent: ServiceRef;
  owner: UserRef;
  manager: UserRef;
}

function EditServiceForm({ service, all, refs }: { service: Service; all: readonly Service[]; refs: Refs }) {
  const update = useUpdateService(service.id);
  const qc = useQueryClient();
  const [version, setVersion] = React.useState(service.version);
  const [conflict, setConflict] = React.useState(false);
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<ServiceValues>({ resolver: zodResolver(serviceSchema), defaultValues: valuesOf(service, refs) });
  const { isSubmitting, isDirty } = form.formState;
  useUnsavedChanges(isDirty);
  const excluded = React.useMemo(() => excludedParents(all, service.id), [all, service.id]);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    setConflict(false);
    try {
      const saved = await update.mutateAsync({ version, ...bodyOf(v) });
      setVersion(saved.version);
      form.reset(valuesOf(saved, { parent: v.parent_service_id, owner: v.owner_id, manager: v.manager_id }));
      toast.success(`Saved ${saved.name}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !e.hasFieldErrors) {
        setConflict(true);
        // Fetches their version, for "Load their version".
        void qc.invalidateQueries({ queryKey: serviceKeys.tree });
        return;
      }
      const rest = applyFieldErrors(e, SERVICE_FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Edit</CardTitle>
        <CardDescription>What the service is, where it sits, who runs it and what it costs.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} noValidate aria-label={`Edit ${service.name}`}>
        <CardContent className="grid gap-4">
          {conflict && (
            <Alert variant="error" data-testid="conflict">
              Someone else changed this service meanwhile.{" "}
              <button
                type="button"
                className="font-medium underline"
                onClick={() => {
                  setVersion(service.version);
                  form.reset(valuesOf(service, refs));
                  setConflict(false);
                }}
              >
                Load their version
              </button>
            </Alert>
          )}
          {formError && <Alert variant="error">{formError}</Alert>}
          <ServiceFields form={form} idPrefix="edit-service" excluded={excluded} />
        </CardContent>
        <CardFooter className="gap-2">
          <Button type="submit" disabled={isSubmitting || !isDirty}>
            {isSubmitting ? "Saving…" : "Save changes"}
          </Button>
          {isDirty && (
            <Button variant="ghost" onClick={() => form.reset(valuesOf(service, refs))}>
              Discard
            </Button>
          )}
        </CardFooter>
      </form>
    </Card>
  );
}

function DeleteServiceButton({ service, all, onDeleted }: { service: Service; all: readonly Service[]; onDeleted: () => void }) {
  const confirm = useConfirm();
  const del = useDeleteService();
  const children = all.filter((s) => s.parent_service_id === service.id);

  const run = async () => {
    const ok = await confirm({
      title: `Delete ${service.number} ${service.name}?`,
      body:
        children.length > 0
          ? `It has ${children.length === 1 ? "a service" : `${children.length} services`} below it, which must be moved or deleted first.`
          : "It is removed from the tree, the pickers and the roll-ups. Its history stays in the audit log.",
      action: "Delete",
      destructive: true,
    });
    if (!ok) return;
    try {
      await del.mutateAsync(service.id);
      toast.success(`${service.number} ${service.name} is deleted`);
      onDeleted();
    } catch (e) {
      if (e instanceof ApiError && e.code === "service_has_children") {
        toast.error(`${service.name} still has services below it: move or delete them first, then delete it.`);
        return;
      }
      toast.error(`Could not delete ${service.name}: ${errorMessage(e)}`);
    }
  };

  return (
    <Button variant="outline" size="sm" onClick={() => void run()} disabled={del.isPending}>
      <Trash2 aria-hidden="true" /> Delete
    </Button>
  );
}

export function ServicePanel({
  service,
  all,
  byId,
  onAddChild,
  onDeleted,
}: {
  service: Service;
  all: readonly Service[];
  byId: ReadonlyMap<string, Service>;
  onAddChild: (parent: NonNullable<ServiceRef>) => void;
  onDeleted: () => void;
}) {
  const { can } = useAuth();
  const canEdit = can("services:update");
  const path = servicePath(all, service.id);
  const owner = useUserRef(service.owner_id);
  const manager = useUserRef(service.manager_id);
  const parent = service.parent_service_id ? byId.get(service.parent_service_id) : undefined;
  const refs: Refs = { parent: parent ? serviceRef(parent) : null, owner: owner.ref, manager: manager.ref };

  return (
    <section className="grid grid-cols-[minmax(0,1fr)] content-start gap-4" data-testid="service-panel" aria-labelledby="service-panel-title">
      <Link to="/services" className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground md:hidden">
        <ArrowLeft className="size-4" aria-hidden="true" /> All services
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="grid min-w-0 gap-1">
          {path.length > 0 && (
            <nav aria-label="Parent services" className="truncate text-xs text-muted-foreground">
              {path.map((s, i) => (
                <React.Fragment key={s.id}>
                  {i > 0 && " › "}
                  <Link to={`/services/${s.id}`} className="hover:underline">
                    {s.name}
                  </Link>
                </React.Fragment>
              ))}
            </nav>
          )}
          <h2 id="service-panel-title" className="flex flex-wrap items-center gap-2 text-xl font-semibold tracking-tight">
            <span className="min-w-0 break-words">
              <span className="font-mono">{service.number}</span> · {service.name}
            </span>
            <ServiceTypeBadge type={service.type} />
            <ServiceStatusBadge status={service.status} />
          </h2>
          {service.description && <p className="text-sm text-muted-foreground">{service.description}</p>}
        </div>
        <div className="flex flex-wrap gap-2">
          {can("services:create") && (
            <Button size="sm" variant="outline" onClick={() => onAddChild(serviceRef(service))}>
              <Plus aria-hidden="true" /> Add child service
            </Button>
          )}
          {can("services:delete") && <DeleteServiceButton service={service} all={all} onDeleted={onDeleted} />}
        </div>
      </div>
      <RollupCard service={service} byId={byId} />
      <Card>
        <CardHeader>
          <CardTitle>Details</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-2 gap-4">
            <Detail label="Domain">{service.domain || "—"}</Detail>
            <Detail label="SLA target">{service.sla_target == null ? "—" : `${service.sla_target} %`}</Detail>
            <Detail label="Owner">
              <UserLink user={owner.ref} />
            </Detail>
            <Detail label="Manager">
              <UserLink user={manager.ref} />
            </Detail>
            <Detail label="Own cost">
              <span className="tabular-nums" data-testid="own-cost">
                {formatMoney(service.total_cost)}
              </span>
              <span className="block text-xs text-muted-foreground tabular-nums">
                People {formatMoney(service.cost_people)} · Process {formatMoney(service.cost_process)} · Technology{" "}
                {formatMoney(service.cost_technology)}
              </span>
            </Detail>
            <Detail label="Updated">{formatDateTime(service.updated_at)}</Detail>
          </dl>
        </CardContent>
      </Card>
      <RelationshipsCard service={service} canEdit={canEdit} />
      <StakeholdersCard service={service} canEdit={canEdit} />
      <ApplicationsCard service={service} />
      {canEdit && owner.ready && manager.ready && (
        <EditServiceForm key={service.id} service={service} all={all} refs={refs} />
      )}
    </section>
  );
}
