/**
 * One group: its details (rename and move with one form), delete, the roles it holds and its
 * members. Beside the tree on a desktop; a page of its own on a phone.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { ArrowLeft, Trash2 } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { ancestorIds, subtreeIds } from "@/lib/groupTree";
import { useUnsavedChanges } from "@/lib/useUnsavedChanges";
import { GROUP_TYPES, useDeleteGroup, useGroupMembers, useGroup, useUpdateGroup, type Group } from "./api";
import { GROUP_FIELDS, GroupFields, groupSchema, valuesOf, type GroupValues } from "./GroupFields";
import { GroupMembers } from "./GroupMembers";
import { GroupRoles } from "./GroupRoles";

function EditGroupForm({ group, all, byId }: { group: Group; all: readonly Group[]; byId: ReadonlyMap<string, Group> }) {
  const update = useUpdateGroup(group.id);
  const [version, setVersion] = React.useState(group.version);
  const [conflict, setConflict] = React.useState(false);
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<GroupValues>({ resolver: zodResolver(groupSchema), defaultValues: valuesOf(group) });
  const { isSubmitting, isDirty } = form.formState;
  useUnsavedChanges(isDirty);
  const excluded = React.useMemo(() => subtreeIds(all, group.id), [all, group.id]);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    setConflict(false);
    const before = valuesOf(group);
    try {
      const saved = await update.mutateAsync({
        version,
        name: v.name,
        type: v.type,
        description: v.description.trim() || null,
        email: v.email || null,
        ...(v.parent_id !== before.parent_id ? { parent_id: v.parent_id || null } : {}),
      });
      setVersion(saved.version);
      form.reset(valuesOf(saved));
      toast.success(`Saved ${saved.name}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !e.hasFieldErrors) {
        setConflict(true);
        return;
      }
      const rest = applyFieldErrors(e, GROUP_FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Details</CardTitle>
        <CardDescription>Rename the group, or move it under another parent.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} noValidate aria-label={`Edit ${group.name}`}>
        <CardContent className="grid gap-4">
          {conflict && (
            <Alert variant="error">
              Someone else changed this group meanwhile.{" "}
              <button
                type="button"
                className="font-medium underline"
                onClick={() => {
                  setVersion(group.version);
                  form.reset(valuesOf(group));
                  setConflict(false);
                }}
              >
                Load their version
              </button>
            </Alert>
          )}
          {formError && <Alert variant="error">{formError}</Alert>}
          <GroupFields form={form} idPrefix="edit-group" byId={byId} excluded={excluded} />
        </CardContent>
        <CardFooter className="gap-2">
          <Button type="submit" disabled={!isDirty || isSubmitting}>
            {isSubmitting ? "Saving…" : "Save"}
          </Button>
          {isDirty && (
            <Button variant="ghost" onClick={() => form.reset(valuesOf(group))}>
              Discard
            </Button>
          )}
        </CardFooter>
      </form>
    </Card>
  );
}

function DeleteGroupButton({ group, all, onDeleted }: { group: Group; all: readonly Group[]; onDeleted: () => void }) {
  const confirm = useConfirm();
  const del = useDeleteGroup();
  const members = useGroupMembers(group.id);
  const roles = useGroup(group.id);
  const children = all.filter((g) => g.parent_id === group.id);

  const run = async () => {
    const n = members.data?.length;
    const held = roles.data?.roles ?? [];
    const ok = await confirm({
      title: `Delete ${group.name}?`,
      body: (
        <ul className="grid list-disc gap-1 pl-5">
          <li>
            {children.length === 0
              ? "It has no sub-groups."
              : `Its ${children.length === 1 ? "sub-group" : `${children.length} sub-groups`} (${children
                  .slice(0, 3)
                  .map((c) => c.name)
                  .join(", ")}${children.length > 3 ? ", …" : ""}) ${children.length === 1 ? "becomes a top-level group" : "become top-level groups"}.`}
          </li>
          <li>
            {n === undefined
              ? "Its members leave it"
              : n === 0
                ? "It has no members"
                : `Its ${n === 1 ? "member leaves" : `${n} members leave`} it`}
            {held.length > 0 ? ` and lose the roles it gives them (${held.map((r) => r.display_name).join(", ")}).` : "."}
          </li>
          <li>This cannot be undone.</li>
        </ul>
      ),
      action: "Delete group",
      destructive: true,
    });
    if (!ok) return;
    try {
      await del.mutateAsync(group.id);
      toast.success(`Deleted ${group.name}`);
      onDeleted();
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <Button variant="outline" size="sm" onClick={() => void run()} disabled={del.isPending}>
      <Trash2 aria-hidden="true" /> Delete
    </Button>
  );
}

export function GroupPanel({
  group,
  all,
  byId,
  onDeleted,
}: {
  group: Group;
  all: readonly Group[];
  byId: ReadonlyMap<string, Group>;
  onDeleted: () => void;
}) {
  const { can } = useAuth();
  const canEdit = can("groups:update");
  const path = ancestorIds(all, group.id)
    .reverse()
    .map((id) => byId.get(id))
    .filter((g): g is Group => g !== undefined);
  const type = GROUP_TYPES.find((t) => t.value === group.type)?.label ?? group.type;
  return (
    <section className="grid grid-cols-[minmax(0,1fr)] content-start gap-4" data-testid="group-panel" aria-labelledby="group-panel-title">
      <Link to="/admin/groups" className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground md:hidden">
        <ArrowLeft className="size-4" aria-hidden="true" /> All groups
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="grid min-w-0 gap-1">
          {path.length > 0 && (
            <nav aria-label="Parent groups" className="truncate text-xs text-muted-foreground">
              {path.map((g, i) => (
                <React.Fragment key={g.id}>
                  {i > 0 && " › "}
                  <Link to={`/admin/groups/${g.id}`} className="hover:underline">
                    {g.name}
                  </Link>
                </React.Fragment>
              ))}
            </nav>
          )}
          <h2 id="group-panel-title" className="flex flex-wrap items-center gap-2 text-xl font-semibold tracking-tight">
            <span className="min-w-0 break-words">{group.name}</span> <Badge variant="secondary">{type}</Badge>
          </h2>
          {group.description && <p className="text-sm text-muted-foreground">{group.description}</p>}
          {group.email && <p className="text-sm text-muted-foreground">{group.email}</p>}
        </div>
        {can("groups:delete") && <DeleteGroupButton group={group} all={all} onDeleted={onDeleted} />}
      </div>
      <GroupMembers group={group} canEdit={canEdit} />
      {canEdit && <EditGroupForm key={group.id} group={group} all={all} byId={byId} />}
      <GroupRoles group={group} canEdit={can("roles:admin")} />
    </section>
  );
}
