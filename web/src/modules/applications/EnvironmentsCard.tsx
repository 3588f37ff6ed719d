/** An application's environments: a compact table with add, edit and delete. */
import { zodResolver } from "@hookform/resolvers/zod";
import { ExternalLink, Pencil, Plus, Trash2 } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { EmptyState } from "@/components/EmptyState";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useDialogGuard } from "@/lib/useUnsavedChanges";
import {
  CLOUD_PROVIDERS,
  ENVIRONMENT_TYPES,
  labelOf,
  useCreateEnvironment,
  useDeleteEnvironment,
  useEnvironments,
  useUpdateEnvironment,
  type Application,
  type CloudProvider,
  type Environment,
} from "./api";

const schema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(255),
  type: z.enum(["dev", "test", "staging", "prod"]),
  url: z.string().trim(),
  cloud_provider: z.string(),
  cloud_account: z.string().trim(),
  cloud_region: z.string().trim(),
  status: z.enum(["active", "inactive"]),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["name", "type", "url", "cloud_provider", "cloud_account", "cloud_region", "status"] as const;
const EMPTY: Values = { name: "", type: "prod", url: "", cloud_provider: "", cloud_account: "", cloud_region: "", status: "active" };

function valuesOf(e: Environment): Values {
  return {
    name: e.name,
    type: e.type,
    url: e.url ?? "",
    cloud_provider: e.cloud_provider ?? "",
    cloud_account: e.cloud_account ?? "",
    cloud_region: e.cloud_region ?? "",
    status: e.status,
  };
}

function EnvironmentDialog({
  app,
  environment,
  open,
  onOpenChange,
}: {
  app: Application;
  /** The environment to edit; none to add one. */
  environment: Environment | null;
  open: boolean;
  onOpenChange: (o: boolean) => void;
}) {
  const create = useCreateEnvironment(app.id);
  const update = useUpdateEnvironment(app.id);
  const [formError, setFormError] = React.useState<string | null>(null);
  const initial = environment ? valuesOf(environment) : EMPTY;
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: initial });
  const { errors, isSubmitting, isDirty } = form.formState;
  const close = React.useCallback(() => {
    setFormError(null);
    onOpenChange(false);
  }, [onOpenChange]);
  const guard = useDialogGuard(isDirty, close);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    const body = {
      name: v.name,
      type: v.type,
      url: v.url || null,
      cloud_provider: (v.cloud_provider || null) as CloudProvider | null,
      cloud_account: v.cloud_account || null,
      cloud_region: v.cloud_region || null,
      status: v.status,
    };
    try {
      if (environment) {
        await update.mutateAsync({ envId: environment.id, body: { ...body, version: environment.version } });
        toast.success(`Saved ${v.name}`);
      } else {
        await create.mutateAsync(body);
        toast.success(`${v.name} is added to ${app.name}`);
      }
      close();
    } catch (e) {
      const rest = applyFieldErrors(e, FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  const title = environment ? `Edit ${environment.name}` : "Add an environment";
  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>Where {app.name} runs: its address and its cloud.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label={title} id="environment-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <div className="grid items-start gap-4 sm:grid-cols-2">
            <FormField id="env-name" label="Name" error={errors.name}>
              <Input autoComplete="off" {...form.register("name")} />
            </FormField>
            <FormField id="env-type" label="Type" error={errors.type}>
              <Select {...form.register("type")}>
                {ENVIRONMENT_TYPES.map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.label}
                  </option>
                ))}
              </Select>
            </FormField>
          </div>
          <FormField id="env-url" label="URL (optional)" error={errors.url} hint="Starts with http:// or https://.">
            <Input type="url" autoComplete="off" {...form.register("url")} />
          </FormField>
          <div className="grid items-start gap-4 sm:grid-cols-2">
            <FormField id="env-cloud-provider" label="Cloud provider" error={errors.cloud_provider}>
              <Select {...form.register("cloud_provider")}>
                <option value="">Not set</option>
                {CLOUD_PROVIDERS.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField id="env-cloud-region" label="Cloud region (optional)" error={errors.cloud_region}>
              <Input autoComplete="off" {...form.register("cloud_region")} />
            </FormField>
            <FormField id="env-cloud-account" label="Cloud account (optional)" error={errors.cloud_account}>
              <Input autoComplete="off" {...form.register("cloud_account")} />
            </FormField>
            <FormField id="env-status" label="Status" error={errors.status}>
              <Select {...form.register("status")}>
                <option value="active">Active</option>
                <option value="inactive">Inactive</option>
              </Select>
            </FormField>
          </div>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="environment-form" disabled={isSubmitting}>
            {isSubmitting ? "Saving…" : environment ? "Save environment" : "Add environment"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function EnvironmentsCard({ app }: { app: Application }) {
  const { can } = useAuth();
  const query = useEnvironments(app.id);
  const remove = useDeleteEnvironment(app.id);
  const confirm = useConfirm();
  const may = can("applications:update");
  // `undefined`: the dialog is closed; `null`: adding; an environment: editing it.
  const [editing, setEditing] = React.useState<Environment | null | undefined>(undefined);

  const runDelete = async (env: Environment) => {
    const ok = await confirm({
      title: `Delete ${env.name}?`,
      body: `The environment is removed from ${app.name}.`,
      action: "Delete",
      destructive: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync(env.id);
      toast.success(`${env.name} is deleted`);
    } catch (e) {
      toast.error(`Could not delete ${env.name}: ${errorMessage(e)}`);
    }
  };

  const envs = query.data ?? [];
  return (
    <Card data-testid="environments-card">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-2">
        <div className="grid gap-1.5">
          <CardTitle>Environments</CardTitle>
          <CardDescription>Where {app.name} runs.</CardDescription>
        </div>
        {may && (
          <Button size="sm" onClick={() => setEditing(null)}>
            <Plus aria-hidden="true" /> Add environment
          </Button>
        )}
      </CardHeader>
      <CardContent>
        {query.isPending && <Skeleton className="h-16 w-full" />}
        {query.error && <Alert variant="error">Could not load the environments: {errorMessage(query.error)}</Alert>}
        {query.data && envs.length === 0 && (
          <EmptyState
            title="No environments yet."
            description="An environment is one place the application runs: production, staging, a test system."
          />
        )}
        {envs.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">Environments of {app.name}</caption>
              <thead>
                <tr className="border-b text-left text-xs text-muted-foreground">
                  <th scope="col" className="py-2 pr-3 font-medium">Name</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Type</th>
                  <th scope="col" className="hidden py-2 pr-3 font-medium sm:table-cell">URL</th>
                  <th scope="col" className="hidden py-2 pr-3 font-medium md:table-cell">Cloud</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Status</th>
                  {may && (
                    <th scope="col" className="py-2 text-right font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {envs.map((env) => (
                  <tr key={env.id} className="h-9 border-b last:border-0" data-testid="environment-row">
                    <td className="max-w-[10rem] truncate py-1 pr-3 font-medium" title={env.name}>
                      {env.name}
                    </td>
                    <td className="whitespace-nowrap py-1 pr-3">{labelOf(ENVIRONMENT_TYPES, env.type)}</td>
                    <td className="hidden max-w-[14rem] py-1 pr-3 sm:table-cell">
                      {env.url ? (
                        <a
                          href={env.url}
                          target="_blank"
                          rel="noreferrer noopener"
                          className="inline-flex max-w-full items-center gap-1 underline-offset-4 hover:underline"
                          title={env.url}
                        >
                          <span className="truncate">{env.url.replace(/^https?:\/\//, "")}</span>
                          <ExternalLink className="size-3 shrink-0" aria-hidden="true" />
                          <span className="sr-only">(opens in a new tab)</span>
                        </a>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="hidden whitespace-nowrap py-1 pr-3 md:table-cell">
                      {env.cloud_provider
                        ? [labelOf(CLOUD_PROVIDERS, env.cloud_provider), env.cloud_region].filter(Boolean).join(" · ")
                        : env.cloud_region || "—"}
                    </td>
                    <td className="py-1 pr-3">
                      <Badge variant={env.status === "active" ? "success" : "muted"}>{env.status}</Badge>
                    </td>
                    {may && (
                      <td className="whitespace-nowrap py-1 text-right">
                        <Button variant="ghost" size="icon" className="size-8" aria-label={`Edit ${env.name}`} onClick={() => setEditing(env)}>
                          <Pencil aria-hidden="true" />
                        </Button>
                        <Button
                          variant="ghost"
                          size="icon"
                          className="size-8"
                          aria-label={`Delete ${env.name}`}
                          onClick={() => void runDelete(env)}
                        >
                          <Trash2 aria-hidden="true" />
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardContent>
      {may && (
        <EnvironmentDialog
          key={editing === undefined ? "closed" : (editing?.id ?? "new")}
          app={app}
          environment={editing ?? null}
          open={editing !== undefined}
          onOpenChange={(o) => {
            if (!o) setEditing(undefined);
          }}
        />
      )}
    </Card>
  );
}
