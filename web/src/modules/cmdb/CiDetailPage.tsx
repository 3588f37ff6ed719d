import { zodResolver } from "@hookform/resolvers/zod";
import { ArrowLeft, RotateCw, Trash2 } from "lucide-react";
import * as React from "react";
import { useForm, type FieldPath } from "react-hook-form";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { usePageTitle } from "@/lib/usePageTitle";
import { useUnsavedChanges } from "@/lib/useUnsavedChanges";
import { formatDateTime } from "@/lib/utils";
import { labelOf } from "@/modules/applications/api";
import { CI_ENVIRONMENTS, classLabel, useCi, useCiClasses, useDeleteCi, useUpdateCi } from "./api";
import { ciBodyOf, CiFields, ciFieldNames, ciSchema, ciValuesOf, classFields, useAppRef, type AppRef, type CiValues } from "./CiFields";
import { CiStatusBadge, ClassChip } from "./CisPage";
import { GraphAndImpact } from "./GraphAndImpact";
import { RelationshipsCard } from "./RelationshipsCard";
import { attributeField } from "./schemaForm";
import type { Ci, CiClass } from "./types";

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid min-w-0 gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="break-words text-sm">{children}</dd>
    </div>
  );
}

function attributeText(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function EditCiForm({ ci, app, classes, onReload }: { ci: Ci; app: AppRef; classes: CiClass[]; onReload: () => Promise<Ci | undefined> }) {
  const update = useUpdateCi(ci.id);
  const [version, setVersion] = React.useState(ci.version);
  const [kept, setKept] = React.useState(ci.attributes ?? {});
  const [conflict, setConflict] = React.useState(false);
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<CiValues>({ resolver: zodResolver(ciSchema), defaultValues: ciValuesOf(ci, app, classes) });
  const { isSubmitting, isDirty } = form.formState;
  useUnsavedChanges(isDirty);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    setConflict(false);
    const fields = classFields(classes, v.ci_class);
    const { body, errors } = ciBodyOf(v, fields, v.ci_class === ci.ci_class ? kept : {});
    const bad = Object.entries(errors);
    if (bad.length > 0) {
      bad.forEach(([key, message], i) =>
        form.setError(attributeField(key) as FieldPath<CiValues>, { type: "client", message }, { shouldFocus: i === 0 }),
      );
      return;
    }
    try {
      const saved = await update.mutateAsync({ ...body, version });
      setVersion(saved.version);
      setKept(saved.attributes ?? {});
      form.reset(ciValuesOf(saved, v.application_id, classes));
      toast.success(`Saved ${saved.number} ${saved.name}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !e.hasFieldErrors) {
        setConflict(true);
        return;
      }
      const rest = applyFieldErrors(e, ciFieldNames(fields), form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  const reload = async () => {
    const fresh = await onReload();
    if (fresh) {
      setVersion(fresh.version);
      setKept(fresh.attributes ?? {});
      form.reset(ciValuesOf(fresh, app, classes));
    }
    setConflict(false);
    setFormError(null);
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Edit</CardTitle>
        <CardDescription>What the item is, where it runs and its attributes.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} noValidate aria-label="Edit configuration item">
        <CardContent className="grid gap-4">
          {conflict && (
            <Alert variant="error" data-testid="conflict">
              <p>Someone changed this item; reload to see their changes, then make yours again.</p>
              <Button variant="outline" size="sm" onClick={() => void reload()}>
                <RotateCw aria-hidden="true" /> Reload
              </Button>
            </Alert>
          )}
          {formError && <Alert variant="error">{formError}</Alert>}
          <CiFields form={form} idPrefix="edit-ci" />
        </CardContent>
        <CardFooter className="gap-2">
          <Button type="submit" disabled={isSubmitting || !isDirty}>
            {isSubmitting ? "Saving…" : "Save changes"}
          </Button>
          {isDirty && (
            <Button variant="ghost" onClick={() => form.reset(ciValuesOf(ci, app, classes))}>
              Discard
            </Button>
          )}
        </CardFooter>
      </form>
    </Card>
  );
}

function DeleteCiCard({ ci }: { ci: Ci }) {
  const remove = useDeleteCi(ci.id);
  const confirm = useConfirm();
  const navigate = useNavigate();
  const run = async () => {
    const ok = await confirm({
      title: `Delete ${ci.number} ${ci.name}?`,
      body: "It leaves lists, the graph and impact analyses; its relationships go with it. Its history stays in the audit log.",
      action: "Delete",
      destructive: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync();
      void navigate("/cmdb");
      toast.success(`${ci.number} ${ci.name} is deleted`);
    } catch (e) {
      toast.error(`Could not delete ${ci.name}: ${errorMessage(e)}`);
    }
  };
  return (
    <Card className="border-destructive/40">
      <CardHeader>
        <CardTitle>Delete</CardTitle>
        <CardDescription>Removes the item from lists, the graph and impact analyses; its history stays.</CardDescription>
      </CardHeader>
      <CardFooter>
        <Button variant="destructive" onClick={() => void run()} disabled={remove.isPending}>
          <Trash2 aria-hidden="true" /> {remove.isPending ? "Deleting…" : "Delete configuration item"}
        </Button>
      </CardFooter>
    </Card>
  );
}

export function CiDetailPage() {
  const { id = "" } = useParams();
  const { can } = useAuth();
  const query = useCi(id);
  const ci = query.data;
  const classes = useCiClasses();
  usePageTitle(ci ? `${ci.number} ${ci.name}` : "Configuration item");
  const app = useAppRef(ci?.application_id);
  const attributes = Object.entries(ci?.attributes ?? {});

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <Link to="/cmdb" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" aria-hidden="true" /> Configuration items
      </Link>
      {query.isPending && (
        <div className="grid gap-3" aria-busy="true" aria-label="Loading configuration item">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-40 w-full" />
        </div>
      )}
      {query.error && (
        <Alert variant="error">
          <p>
            {query.error instanceof ApiError && query.error.status === 404
              ? "This configuration item does not exist, or it was deleted."
              : `Could not load this configuration item: ${errorMessage(query.error)}`}
          </p>
          <Button variant="outline" size="sm" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {ci && (
        <>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="min-w-0 break-words text-2xl font-semibold tracking-tight">
              <span className="font-mono">{ci.number}</span> · {ci.name}
            </h1>
            <CiStatusBadge status={ci.status} />
          </div>
          {ci.description && <p className="text-sm text-muted-foreground">{ci.description}</p>}
          <div className="grid gap-4 lg:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Details</CardTitle>
              </CardHeader>
              <CardContent>
                <dl className="grid gap-4 sm:grid-cols-2">
                  <Detail label="Class">
                    <ClassChip name={ci.ci_class} label={classLabel(classes.data, ci.ci_class)} />
                  </Detail>
                  <Detail label="Environment">{labelOf(CI_ENVIRONMENTS, ci.environment)}</Detail>
                  <Detail label="Application">
                    {app.ref ? (
                      <Link to={`/applications/${app.ref.id}`} className="underline-offset-4 hover:underline">
                        {app.ref.name}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </Detail>
                  <Detail label="Discovered by">{ci.discovered_by || "—"}</Detail>
                  <Detail label="Created">{formatDateTime(ci.created_at)}</Detail>
                  <Detail label="Updated">{formatDateTime(ci.updated_at)}</Detail>
                </dl>
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Attributes</CardTitle>
              </CardHeader>
              <CardContent>
                {attributes.length === 0 ? (
                  <p className="text-sm text-muted-foreground">No attributes.</p>
                ) : (
                  <dl className="grid gap-4 sm:grid-cols-2" data-testid="ci-attributes">
                    {attributes.map(([k, v]) => (
                      <Detail key={k} label={k}>
                        {attributeText(v)}
                      </Detail>
                    ))}
                  </dl>
                )}
              </CardContent>
            </Card>
          </div>
          <RelationshipsCard ci={ci} />
          <GraphAndImpact kind="ci" id={ci.id} label={`${ci.number} ${ci.name}`} />
          {can("cmdb:update") && app.ready && classes.data && (
            <EditCiForm key={ci.id} ci={ci} app={app.ref} classes={classes.data} onReload={async () => (await query.refetch()).data} />
          )}
          {can("cmdb:delete") && <DeleteCiCard ci={ci} />}
        </>
      )}
    </div>
  );
}
