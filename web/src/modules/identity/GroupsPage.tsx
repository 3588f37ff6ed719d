import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Network, Plus, UserMinus } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { useSearchParams } from "react-router";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import { useAuth } from "@/auth/auth";
import { EmptyState } from "@/components/EmptyState";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input, Label, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { buildTree, flatten } from "@/lib/groupTree";
import { useDebounced } from "@/lib/useDebounced";
import { cn } from "@/lib/utils";
import { usePageTitle } from "@/lib/usePageTitle";

type Group = components["schemas"]["GroupResponse"];
type MemberRole = components["schemas"]["MemberRole"];
const groupsKey = ["groups"] as const;

const schema = z.object({
  name: z.string().trim().min(1, "Enter a name."),
  parent_id: z.string(),
  type: z.enum(["team", "department", "distribution"]),
});
type Values = z.infer<typeof schema>;

function NewGroupDialog({ groups, onClose, onCreated }: { groups: Group[]; onClose: () => void; onCreated: (g: Group) => void }) {
  const qc = useQueryClient();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "", parent_id: "", type: "team" } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      const g = await unwrap(
        api.POST("/api/v1/groups", { body: { name: v.name, parent_id: v.parent_id || null, type: v.type } }),
      );
      await qc.invalidateQueries({ queryKey: groupsKey });
      onCreated(g);
    } catch (e) {
      const rest = applyFieldErrors(e, ["name", "parent_id", "type"] as const, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });
  const options = flatten(buildTree(groups));
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New group</DialogTitle>
          <DialogDescription>Groups sit under a parent group, or at the top.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New group">
          {formError && <Alert variant="error">{formError}</Alert>}
          <FormField id="group-name" label="Name" error={errors.name}>
            <Input autoComplete="off" {...form.register("name")} />
          </FormField>
          <div className="grid gap-1.5">
            <Label htmlFor="group-parent">Parent group</Label>
            <Select id="group-parent" {...form.register("parent_id")}>
              <option value="">None (top level)</option>
              {options.map((n) => (
                <option key={n.item.id} value={n.item.id}>
                  {"\u00a0\u00a0".repeat(n.depth)}
                  {n.item.name}
                </option>
              ))}
            </Select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="group-type">Type</Label>
            <Select id="group-type" {...form.register("type")}>
              <option value="team">Team</option>
              <option value="department">Department</option>
              <option value="distribution">Distribution list</option>
            </Select>
          </div>
          <DialogFooter>
            <Button variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? "Creating…" : "Create group"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function AddMember({ group }: { group: Group }) {
  const qc = useQueryClient();
  const [q, setQ] = React.useState("");
  const [role, setRole] = React.useState<MemberRole>("member");
  const [error, setError] = React.useState<string | null>(null);
  const term = useDebounced(q.trim(), 250);
  const users = useQuery({
    queryKey: ["users", "list", { q: term, per_page: 5 }],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { q: term, per_page: 5 } } })),
    enabled: term.length > 0,
  });
  const found = (users.data?.data ?? []).filter((u) => u.status !== "inactive");
  const add = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.POST("/api/v1/groups/{id}/members", { params: { path: { id: group.id } }, body: { user_id: userId, role } })),
    onSuccess: () => {
      setQ("");
      return qc.invalidateQueries({ queryKey: ["groups", group.id, "members"] });
    },
    onError: (e) => setError(errorMessage(e)),
  });
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-2 border-t pt-4">
      <p className="text-sm font-medium">Add a member</p>
      {error && <Alert variant="error">{error}</Alert>}
      <div className="grid grid-cols-[minmax(0,1fr)] gap-2 sm:grid-cols-[minmax(0,1fr)_auto]">
        <div className="grid gap-1.5">
          <Label htmlFor="member-search">Find a user</Label>
          <Input id="member-search" type="search" placeholder="Name or email" autoComplete="off" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="member-role">As</Label>
          <Select id="member-role" value={role} onChange={(e) => setRole(e.target.value as MemberRole)}>
            <option value="member">Member</option>
            <option value="lead">Lead</option>
          </Select>
        </div>
      </div>
      {term && (
        <ul className="grid grid-cols-[minmax(0,1fr)] gap-1" aria-label="Matching users">
          {found.map((u) => (
            <li key={u.id} className="flex flex-wrap items-center gap-2 rounded-md border p-2 text-sm">
              <span className="min-w-0 flex-1 truncate">
                {u.name} <span className="text-muted-foreground">{u.email}</span>
              </span>
              <Button
                size="sm"
                variant="outline"
                onClick={() => {
                  setError(null);
                  add.mutate(u.id);
                }}
                disabled={add.isPending}
                aria-label={`Add ${u.name} as ${role}`}
              >
                Add
              </Button>
            </li>
          ))}
          {users.data && found.length === 0 && <li className="text-sm text-muted-foreground">No user matches.</li>}
        </ul>
      )}
    </div>
  );
}

function GroupPanel({ group, canEdit }: { group: Group; canEdit: boolean }) {
  const qc = useQueryClient();
  const [error, setError] = React.useState<string | null>(null);
  const members = useQuery({
    queryKey: ["groups", group.id, "members"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/groups/{id}/members", { params: { path: { id: group.id }, query: { per_page: 100 } } })),
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE("/api/v1/groups/{id}/members/{userId}", { params: { path: { id: group.id, userId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["groups", group.id, "members"] }),
    onError: (e) => setError(errorMessage(e)),
  });
  const list = members.data?.data ?? [];
  return (
    <Card data-testid="group-panel">
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          {group.name} <Badge variant="secondary">{group.type}</Badge>
        </CardTitle>
        <CardDescription>{group.description || "Members and leads of this group."}</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        {error && <Alert variant="error">{error}</Alert>}
        {members.isPending && <Skeleton className="h-16 w-full" />}
        {members.error && <Alert variant="error">Could not load the members: {errorMessage(members.error)}</Alert>}
        {members.data && list.length === 0 && <p className="text-sm text-muted-foreground">No members yet.</p>}
        <ul className="grid grid-cols-[minmax(0,1fr)] gap-2" aria-label={`Members of ${group.name}`}>
          {list.map((m) => (
            <li key={m.user_id} className="flex flex-wrap items-center gap-2 rounded-md border p-2 text-sm" data-testid="member">
              <span className="min-w-0 flex-1 truncate">
                {m.name} <span className="text-muted-foreground">{m.email}</span>
              </span>
              <Badge variant={m.role === "lead" ? "default" : "muted"}>{m.role}</Badge>
              {canEdit && (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    setError(null);
                    remove.mutate(m.user_id);
                  }}
                  disabled={remove.isPending}
                  aria-label={`Remove ${m.name}`}
                >
                  <UserMinus aria-hidden="true" />
                </Button>
              )}
            </li>
          ))}
        </ul>
        {canEdit && <AddMember key={group.id} group={group} />}
      </CardContent>
    </Card>
  );
}

/** The group hierarchy, and the members of the group picked. */
export function GroupsPage() {
  usePageTitle("Groups");
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = React.useState(false);
  const groups = useQuery({
    queryKey: groupsKey,
    queryFn: () => unwrap(api.GET("/api/v1/groups", { params: { query: { per_page: 100 } } })),
  });
  const all = groups.data?.data ?? [];
  const rows = flatten(buildTree(all));
  const selectedId = params.get("group");
  const selected = all.find((g) => g.id === selectedId) ?? null;
  const select = (id: string) => setParams({ group: id });

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Groups</h1>
          <p className="text-sm text-muted-foreground">Teams and departments; a group's roles apply to its members.</p>
        </div>
        {can("groups:create") && (
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden="true" /> New group
          </Button>
        )}
      </div>
      {groups.error && <Alert variant="error">Could not load the groups: {errorMessage(groups.error)}</Alert>}
      {groups.isPending && <Skeleton className="h-40 w-full" />}
      {groups.data && all.length === 0 && (
        <EmptyState
          bordered
          icon={Network}
          title="No groups yet."
          description="Groups are teams and departments: work is assigned to them, and a group's roles apply to its members."
          action={
            can("groups:create") && (
              <Button onClick={() => setCreating(true)}>
                <Plus aria-hidden="true" /> Create group
              </Button>
            )
          }
        />
      )}
      {all.length > 0 && (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-4 md:grid-cols-[16rem_minmax(0,1fr)]">
          <nav aria-label="Group hierarchy" className="min-w-0">
            <ul className="grid gap-0.5" role="list">
              {rows.map((n) => (
                <li key={n.item.id}>
                  <button
                    type="button"
                    onClick={() => select(n.item.id)}
                    aria-current={n.item.id === selectedId ? "true" : undefined}
                    className={cn(
                      "w-full truncate rounded-md px-2 py-1.5 text-left text-sm hover:bg-accent",
                      n.item.id === selectedId && "bg-accent font-medium",
                    )}
                    style={{ paddingLeft: `${0.5 + n.depth * 1.25}rem` }}
                  >
                    {n.depth > 0 && <span aria-hidden="true" className="text-muted-foreground">└ </span>}
                    {n.item.name}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {selected ? (
            <GroupPanel key={selected.id} group={selected} canEdit={can("groups:update")} />
          ) : (
            <p className="rounded-md border p-6 text-center text-sm text-muted-foreground">Pick a group to see its members.</p>
          )}
        </div>
      )}
      {creating && (
        <NewGroupDialog
          groups={all}
          onClose={() => setCreating(false)}
          onCreated={(g) => {
            setCreating(false);
            select(g.id);
          }}
        />
      )}
    </div>
  );
}
