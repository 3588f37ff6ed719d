import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, KeyRound, Plus } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import { useAuth } from "@/auth/auth";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { PermissionMatrix } from "@/components/PermissionMatrix";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { localToRfc3339 } from "@/lib/auditDiff";
import { buildMatrix, toList } from "@/lib/permissionMatrix";
import { formatDateTime } from "@/lib/utils";
import { usePageTitle } from "@/lib/usePageTitle";

type ApiKey = components["schemas"]["ApiKeyResponse"];
type Created = components["schemas"]["CreatedApiKeyResponse"];
const keysKey = ["api-keys"] as const;

const schema = z.object({
  name: z.string().trim().min(1, "Enter a name, e.g. the service that uses the key."),
  expires_at: z.string(),
});
type Values = z.infer<typeof schema>;

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (k: Created) => void }) {
  const { me } = useAuth();
  const qc = useQueryClient();
  const matrix = React.useMemo(
    () =>
      buildMatrix(
        (me?.permissions ?? []).map((key) => {
          const [resource = key, action = ""] = key.split(":");
          return { key, resource, action, description: key };
        }),
      ),
    [me],
  );
  const [selected, setSelected] = React.useState<Set<string>>(new Set());
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "", expires_at: "" } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    if (selected.size === 0) {
      setFormError("Tick at least one permission.");
      return;
    }
    try {
      const created = await unwrap(
        api.POST("/api/v1/api-keys", {
          body: { name: v.name, permissions: toList(selected), expires_at: localToRfc3339(v.expires_at) ?? null },
        }),
      );
      await qc.invalidateQueries({ queryKey: keysKey });
      onCreated(created);
    } catch (e) {
      const rest = applyFieldErrors(e, ["name", "expires_at"] as const, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>New API key</DialogTitle>
          <DialogDescription>A key may hold only permissions you hold yourself.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid grid-cols-[minmax(0,1fr)] gap-4" aria-label="New API key">
          {formError && <Alert variant="error">{formError}</Alert>}
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField id="key-name" label="Name" error={errors.name}>
              <Input autoComplete="off" {...form.register("name")} />
            </FormField>
            <FormField id="key-expires" label="Expires (optional)" error={errors.expires_at} hint="Never, when empty.">
              <Input type="datetime-local" {...form.register("expires_at")} />
            </FormField>
          </div>
          <PermissionMatrix matrix={matrix} selected={selected} onChange={setSelected} />
          <DialogFooter>
            <Button variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? "Creating…" : "Create key"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ShowKeyDialog({ created, onClose }: { created: Created; onClose: () => void }) {
  const [copied, setCopied] = React.useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Your new key</DialogTitle>
          <DialogDescription>Store it now: FireLater keeps only its hash and cannot show it again.</DialogDescription>
        </DialogHeader>
        <code className="break-all rounded-md border bg-muted p-3 font-mono text-sm" data-testid="new-api-key">
          {created.key}
        </code>
        {copied === true && <Alert variant="success">Copied.</Alert>}
        {copied === false && <Alert variant="error">Could not copy; select the key and copy it by hand.</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => void copy()}>
            <Copy aria-hidden="true" /> Copy key
          </Button>
          <Button onClick={onClose}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function status(k: ApiKey): { text: string; variant: "success" | "muted" | "warning" } {
  if (k.revoked_at) return { text: "revoked", variant: "muted" };
  if (k.expires_at && new Date(k.expires_at).getTime() <= Date.now()) return { text: "expired", variant: "warning" };
  return { text: "active", variant: "success" };
}

/** The tenant's API keys: create (the key shown once), list and revoke. */
export function ApiKeysPage() {
  usePageTitle("API keys");
  const { can } = useAuth();
  const qc = useQueryClient();
  const [creating, setCreating] = React.useState(false);
  const [created, setCreated] = React.useState<Created | null>(null);
  const [revoking, setRevoking] = React.useState<ApiKey | null>(null);
  const list = useQuery({
    queryKey: keysKey,
    queryFn: () => unwrap(api.GET("/api/v1/api-keys", { params: { query: { per_page: 100 } } })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/api-keys/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      setRevoking(null);
      return qc.invalidateQueries({ queryKey: keysKey });
    },
  });
  const keys = list.data?.data ?? [];

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
          <p className="text-sm text-muted-foreground">Keys let other systems call FireLater's API.</p>
        </div>
        {can("api_keys:create") && (
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden="true" /> New API key
          </Button>
        )}
      </div>
      {list.error && <Alert variant="error">Could not load the API keys: {errorMessage(list.error)}</Alert>}
      {list.isPending && <Skeleton className="h-32 w-full" />}
      {list.data && keys.length === 0 && (
        <p className="rounded-md border p-6 text-center text-sm text-muted-foreground">No API keys yet.</p>
      )}
      <ul className="grid grid-cols-[minmax(0,1fr)] gap-2" aria-label="API keys">
        {keys.map((k) => {
          const s = status(k);
          return (
            <li key={k.id} className="flex flex-wrap items-center gap-3 rounded-md border p-3" data-testid="api-key">
              <KeyRound className="size-4 text-muted-foreground" aria-hidden="true" />
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                  {k.name} <Badge variant={s.variant}>{s.text}</Badge>
                </p>
                <p className="text-xs text-muted-foreground">
                  <code className="font-mono">{k.prefix}…</code> · {k.permissions.length} permissions · created{" "}
                  {formatDateTime(k.created_at)} · last used {formatDateTime(k.last_used_at)}
                  {k.expires_at ? ` · expires ${formatDateTime(k.expires_at)}` : ""}
                </p>
              </div>
              {!k.revoked_at && can("api_keys:revoke") && (
                <Button variant="outline" size="sm" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                  Revoke
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {creating && (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            setCreated(k);
          }}
        />
      )}
      {created && <ShowKeyDialog created={created} onClose={() => setCreated(null)} />}
      <Dialog open={revoking !== null} onOpenChange={(o) => !o && setRevoking(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Revoke {revoking?.name}?</DialogTitle>
            <DialogDescription>Calls with this key fail from now on. This cannot be undone.</DialogDescription>
          </DialogHeader>
          {revoke.error && <Alert variant="error">{errorMessage(revoke.error)}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button variant="destructive" onClick={() => revoking && revoke.mutate(revoking.id)} disabled={revoke.isPending}>
              {revoke.isPending ? "Revoking…" : "Revoke"}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}
