import { zodResolver } from "@hookform/resolvers/zod";
import { Lock, Plus, ShieldCheck, Trash2 } from "lucide-react";
import * as React from "react";
import { useSearchParams } from "react-router";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { roleSlug, useDeleteRole, usePermissions, useRoles, useSaveRole, type Permission, type Role } from "@/modules/identity/roles";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { EmptyState } from "@/components/EmptyState";
import { toast } from "@/components/toast";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { PermissionMatrix } from "@/components/PermissionMatrix";
import { buildMatrix, sameSet, toList } from "@/lib/permissionMatrix";
import { useShortcut } from "@/lib/shortcuts";
import { useCreateParam } from "@/lib/useCreateParam";
import { usePageTitle } from "@/lib/usePageTitle";
import { useDialogGuard } from "@/lib/useUnsavedChanges";

// A role has one name people see, its display name; the API's internal name of a new role is
// made from it (`roleSlug`), and the API's complaints about that name land on this field.
const schema = z.object({
  display_name: z
    .string()
    .trim()
    .min(1, "Enter a name.")
    .max(100)
    .refine((v) => roleSlug(v) !== "", "Use at least one letter or digit."),
  description: z.string().trim(),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["display_name", "description"] as const;

function RoleDialog({
  role,
  permissions,
  editable,
  onClose,
}: {
  role: Role | null;
  permissions: Permission[];
  editable: boolean;
  onClose: () => void;
}) {
  const matrix = React.useMemo(() => buildMatrix(permissions), [permissions]);
  const initial = React.useMemo(() => new Set(role?.permissions ?? []), [role]);
  const [selected, setSelected] = React.useState<Set<string>>(initial);
  const [formError, setFormError] = React.useState<string | null>(null);
  const save = useSaveRole();
  const del = useDeleteRole();
  const confirm = useConfirm();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { display_name: role?.display_name ?? "", description: role?.description ?? "" },
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  const changed = isDirty || !sameSet(selected, initial);
  // Escape, a click outside, Cancel and the close button ask before unsaved ticks are lost.
  const guard = useDialogGuard(editable && changed, onClose);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      if (role) {
        await save.mutateAsync({
          id: role.id,
          body: {
            version: role.version,
            display_name: v.display_name,
            description: v.description || null,
            permissions: toList(selected),
          },
        });
        toast.success(`${v.display_name} saved`);
      } else {
        await save.mutateAsync({
          id: null,
          body: {
            name: roleSlug(v.display_name),
            display_name: v.display_name,
            description: v.description || null,
            permissions: toList(selected),
          },
        });
        toast.success(`${v.display_name} created`);
      }
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !e.hasFieldErrors) {
        setFormError("Someone changed this role meanwhile. Close this window and open the role again to see their changes.");
        return;
      }
      if (e instanceof ApiError && e.fieldErrors.name) {
        const taken = e.code === "already_exists";
        form.setError(
          "display_name",
          { type: "server", message: taken ? "A role with this name exists already." : e.fieldErrors.name.join(" ") },
          { shouldFocus: true },
        );
        return;
      }
      const rest = applyFieldErrors(e, FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  const remove = async () => {
    if (!role) return;
    const ok = await confirm({
      title: `Delete ${role.display_name}?`,
      body: "People who hold it, directly or through a group, lose what it allows. This cannot be undone.",
      action: "Delete role",
      destructive: true,
    });
    if (!ok) return;
    setFormError(null);
    try {
      await del.mutateAsync(role.id);
      onClose();
      toast.success(`${role.display_name} deleted`);
    } catch (e) {
      setFormError(errorMessage(e));
    }
  };

  const title = role ? (editable ? `Edit ${role.display_name}` : role.display_name) : "New role";
  return (
    <Dialog open onOpenChange={guard.onOpenChange}>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>
            {editable
              ? "Tick what people with this role may do."
              : role?.name === "admin"
                ? "The administrator role holds every permission and cannot be changed."
                : "What people with this role may do."}
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid grid-cols-[minmax(0,1fr)] gap-4" aria-label={title}>
          {formError && <Alert variant="error">{formError}</Alert>}
          {editable && (
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField id="role-display-name" label="Name" error={errors.display_name}>
                <Input autoComplete="off" {...form.register("display_name")} />
              </FormField>
              <FormField id="role-description" label="Description (optional)" error={errors.description} className="sm:col-span-2">
                <Input autoComplete="off" {...form.register("description")} />
              </FormField>
            </div>
          )}
          <PermissionMatrix matrix={matrix} selected={selected} onChange={editable ? setSelected : undefined} />
          <DialogFooter className="flex-wrap gap-2">
            {editable && role && !role.is_system && (
              <div className="mr-auto flex flex-wrap gap-2">
                <Button variant="outline" onClick={() => void remove()} disabled={del.isPending}>
                  <Trash2 aria-hidden="true" /> {del.isPending ? "Deleting…" : "Delete role"}
                </Button>
              </div>
            )}
            <Button variant="outline" onClick={guard.requestClose}>
              {editable ? "Cancel" : "Close"}
            </Button>
            {editable && (
              <Button type="submit" disabled={isSubmitting || (role !== null && !changed)}>
                {isSubmitting ? "Saving…" : role ? "Save role" : "Create role"}
              </Button>
            )}
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The tenant's roles and what each allows; administrators edit the custom ones. */
export function RolesPage() {
  usePageTitle("Roles");
  const { can } = useAuth();
  const admin = can("roles:admin");
  const roles = useRoles();
  const permissions = usePermissions();
  const [open, setOpen] = React.useState<{ role: Role | null } | null>(null);
  const list = roles.data ?? [];
  const mayCreate = admin && permissions.data !== undefined;
  useShortcut("c", "New role", () => setOpen({ role: null }), mayCreate);
  useCreateParam(() => setOpen({ role: null }), mayCreate);
  // `?role=<id>` opens that role (a deep link, and the palette's role results).
  const [params, setParams] = useSearchParams();
  const wanted = params.get("role");
  const wantedRole = wanted ? list.find((r) => r.id === wanted) : undefined;
  const shown = open ?? (wantedRole ? { role: wantedRole } : null);
  const close = () => {
    setOpen(null);
    if (wanted)
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          next.delete("role");
          return next;
        },
        { replace: true },
      );
  };
  const error = roles.error ?? permissions.error;

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Roles</h1>
          <p className="text-sm text-muted-foreground">A user may do what any of their roles allows.</p>
        </div>
        {admin && (
          <Button onClick={() => setOpen({ role: null })} disabled={!permissions.data}>
            <Plus aria-hidden="true" /> New role
          </Button>
        )}
      </div>
      {error && (
        <Alert variant="error">
          <p>Could not load the roles: {errorMessage(error)}</p>
          <Button variant="outline" size="sm" onClick={() => void Promise.all([roles.refetch(), permissions.refetch()])}>
            Try again
          </Button>
        </Alert>
      )}
      {roles.isPending && <Skeleton className="h-40 w-full" />}
      {roles.data && list.length === 0 && (
        <EmptyState
          bordered
          icon={ShieldCheck}
          title="No roles yet."
          description="Roles are sets of permissions; a user may do what any of their roles allows."
          action={
            admin && (
              <Button onClick={() => setOpen({ role: null })} disabled={!permissions.data}>
                <Plus aria-hidden="true" /> Create role
              </Button>
            )
          }
        />
      )}
      <ul className="grid gap-4 md:grid-cols-2" aria-label="Roles">
        {list.map((r) => {
          const editable = admin && r.name !== "admin";
          return (
            <li key={r.id}>
              <Card className="flex h-full flex-col" data-testid={`role-${r.name}`}>
                <CardHeader>
                  <CardTitle className="flex flex-wrap items-center gap-2">
                    {r.display_name}
                    {r.is_system && <Badge variant="secondary">System</Badge>}
                    {r.name === "admin" && <Lock className="size-4 text-muted-foreground" aria-label="Read-only" />}
                  </CardTitle>
                  {r.description && <CardDescription>{r.description}</CardDescription>}
                </CardHeader>
                <CardContent className="flex-1 text-sm text-muted-foreground">
                  {r.permissions.length === 1 ? "1 permission" : `${r.permissions.length} permissions`}
                </CardContent>
                <CardFooter>
                  <Button
                    variant="outline"
                    size="sm"
                    onClick={() => setOpen({ role: r })}
                    disabled={!permissions.data}
                    aria-label={`${editable ? "Edit" : "View"} ${r.display_name}`}
                  >
                    {editable ? "Edit" : "View"}
                  </Button>
                </CardFooter>
              </Card>
            </li>
          );
        })}
      </ul>
      {shown && permissions.data && (
        <RoleDialog
          key={shown.role?.id ?? "new"}
          role={shown.role}
          permissions={permissions.data}
          editable={admin && shown.role?.name !== "admin"}
          onClose={close}
        />
      )}
    </div>
  );
}
