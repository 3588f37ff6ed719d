import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Copy, KeyRound, Plus } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { PermissionMatrix } from "@/components/PermissionMatrix";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { localToRfc3339 } from "@/lib/auditDiff";
import { buildMatrix, toList } from "@/lib/permissionMatrix";
import { useShortcut } from "@/lib/shortcuts";
import type { ListQuery, ListSpec } from "@/lib/tableState";
import { useCreateParam } from "@/lib/useCreateParam";
import { useListQuery } from "@/lib/useListQuery";
import { formatDateTime } from "@/lib/utils";
import { usePageTitle } from "@/lib/usePageTitle";
import { useDialogGuard } from "@/lib/useUnsavedChanges";

type ApiKey = components["schemas"]["ApiKeyResponse"];
type Created = components["schemas"]["CreatedApiKeyResponse"];
const keysKey = ["api-keys"] as const;
type KeySort = "created_at" | "name" | "last_used_at" | "expires_at";

export const KEYS_SPEC: ListSpec<KeySort, never> = {
  sorts: ["created_at", "name", "last_used_at", "expires_at"],
  defaultSort: "created_at",
  defaultOrder: "desc",
  filters: {},
  search: false,
  perPageOptions: [10, 25, 50, 100],
  defaultPerPage: 25,
};

function fetchKeys(query: ListQuery<KeySort, never>) {
  return unwrap(api.GET("/api/v1/api-keys", { params: { query } }));
}

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
  const { errors, isSubmitting, isDirty } = form.formState;
  const guard = useDialogGuard(isDirty || selected.size > 0, onClose);
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
    <Dialog open onOpenChange={guard.onOpenChange}>
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
            <Button variant="outline" onClick={guard.requestClose}>
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
  const confirm = useConfirm();
  const [copied, setCopied] = React.useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
      toast.success("Key copied");
    } catch {
      toast.error("Could not copy; select the key and copy it by hand.");
    }
  };
  // The key is shown once: closing before copying it asks first.
  const close = async () => {
    if (
      copied ||
      (await confirm({
        title: "Close without copying the key?",
        body: "FireLater cannot show it again; you would have to create another key.",
        action: "Close",
        cancel: "Back to the key",
      }))
    )
      onClose();
  };
  return (
    <Dialog open onOpenChange={(o) => !o && void close()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Your new key</DialogTitle>
          <DialogDescription>Store it now: FireLater keeps only its hash and cannot show it again.</DialogDescription>
        </DialogHeader>
        <code className="break-all rounded-md border bg-muted p-3 font-mono text-sm" data-testid="new-api-key">
          {created.key}
        </code>
        <DialogFooter>
          <Button variant="outline" onClick={() => void copy()}>
            <Copy aria-hidden="true" /> Copy key
          </Button>
          <Button onClick={() => void close()}>Done</Button>
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
  const confirm = useConfirm();
  const list = useListQuery({ spec: KEYS_SPEC, queryKey: keysKey, fetch: fetchKeys });
  const mayCreate = can("api_keys:create");
  useShortcut("c", "New API key", () => setCreating(true), mayCreate);
  useCreateParam(() => setCreating(true), mayCreate);
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/api-keys/{id}", { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: keysKey }),
  });
  const askRevoke = async (k: ApiKey) => {
    const ok = await confirm({
      title: `Revoke ${k.name}?`,
      body: "Calls with this key fail from now on. This cannot be undone.",
      action: "Revoke",
      destructive: true,
    });
    if (!ok) return;
    try {
      await revoke.mutateAsync(k.id);
      toast.success(`Key “${k.name}” revoked`);
    } catch (e) {
      toast.error(`Could not revoke ${k.name}: ${errorMessage(e)}`);
    }
  };
  const newKey = (label: string) =>
    mayCreate && (
      <Button onClick={() => setCreating(true)}>
        <Plus aria-hidden="true" /> {label}
      </Button>
    );
  const columns: Column<ApiKey, KeySort>[] = [
    {
      key: "name",
      header: "Name",
      sort: "name",
      cell: (k) => (
        <span className="flex items-center gap-2 whitespace-nowrap font-medium">
          <KeyRound className="size-4 text-muted-foreground" aria-hidden="true" />
          {k.name}
        </span>
      ),
    },
    {
      key: "status",
      header: "Status",
      cell: (k) => {
        const st = status(k);
        return <Badge variant={st.variant}>{st.text}</Badge>;
      },
    },
    {
      key: "prefix",
      header: "Key",
      className: "hidden sm:table-cell",
      cell: (k) => <code className="whitespace-nowrap font-mono text-xs">{k.prefix}…</code>,
    },
    {
      key: "permissions",
      header: "Permissions",
      className: "hidden whitespace-nowrap md:table-cell",
      cell: (k) => (k.permissions.length === 1 ? "1 permission" : `${k.permissions.length} permissions`),
    },
    {
      key: "created_at",
      header: "Created",
      sort: "created_at",
      className: "hidden whitespace-nowrap lg:table-cell",
      cell: (k) => formatDateTime(k.created_at),
    },
    {
      key: "last_used_at",
      header: "Last used",
      sort: "last_used_at",
      className: "hidden whitespace-nowrap md:table-cell",
      cell: (k) => formatDateTime(k.last_used_at),
    },
    {
      key: "expires_at",
      header: "Expires",
      sort: "expires_at",
      className: "hidden whitespace-nowrap lg:table-cell",
      cell: (k) => (k.expires_at ? formatDateTime(k.expires_at) : "Never"),
    },
    {
      key: "actions",
      header: "Actions",
      className: "text-right",
      cell: (k) =>
        !k.revoked_at && can("api_keys:revoke") ? (
          <Button variant="outline" size="sm" className="h-7" onClick={() => void askRevoke(k)} aria-label={`Revoke ${k.name}`}>
            Revoke
          </Button>
        ) : null,
    },
  ];

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
          <p className="text-sm text-muted-foreground">Keys let other systems call FireLater's API.</p>
        </div>
        {newKey("New API key")}
      </div>
      <DataTable
        caption="API keys"
        tableId="api-keys"
        columns={columns}
        rowKey={(k) => k.id}
        rowTestId="api-key"
        {...list.table}
        empty={
          <EmptyState
            icon={KeyRound}
            title="No API keys yet."
            description="API keys let scripts and integrations call FireLater, with the permissions you give them."
            action={newKey("Create API key")}
          />
        }
      />
      {creating && (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            setCreated(k);
            toast.success(`Key “${k.name}” created`, { description: "Copy it now: it is shown only once." });
          }}
        />
      )}
      {created && <ShowKeyDialog created={created} onClose={() => setCreated(null)} />}
    </div>
  );
}
