/**
 * A group's members: each with their role (lead or member), changeable; add a user found by
 * searching the server; remove. Every change says so in a toast that offers Undo.
 */
import { UserMinus, UserPlus, Users } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import { EmptyState } from "@/components/EmptyState";
import { SearchPicker } from "@/components/SearchPicker";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { searchUsers, useGroupMembers, useMemberActions, type Group, type GroupMember, type MemberRole } from "./api";

type User = components["schemas"]["UserResponse"];

const ROLE_LABEL: Record<MemberRole, string> = { lead: "Lead", member: "Member" };

function AddMember({ group, members }: { group: Group; members: readonly GroupMember[] }) {
  const { add, remove } = useMemberActions(group.id);
  const [user, setUser] = React.useState<User | null>(null);
  const [role, setRole] = React.useState<MemberRole>("member");
  const memberIds = React.useMemo(() => new Set(members.map((m) => m.user_id)), [members]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!user) return;
    try {
      await add.mutateAsync({ userId: user.id, role });
      const who = user;
      setUser(null);
      toast.success(`Added ${who.name} to ${group.name} as ${role}`, { undo: () => remove.mutateAsync(who.id) });
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Add a member" className="grid grid-cols-[minmax(0,1fr)] gap-2 border-t pt-4">
      <p className="text-sm font-medium">Add a member</p>
      <div className="grid grid-cols-[minmax(0,1fr)] items-start gap-2 sm:grid-cols-[minmax(0,1fr)_8rem_auto]">
        <SearchPicker<User>
          id="member-user"
          label="User"
          placeholder="Name or email"
          queryKey={["users", "pick"]}
          search={searchUsers}
          itemKey={(u) => u.id}
          itemText={(u) => u.name}
          renderItem={(u) => (
            <span className="flex min-w-0 flex-col">
              <span className="truncate">{u.name}</span>
              <span className="truncate text-xs text-muted-foreground">{u.email}</span>
            </span>
          )}
          value={user}
          onChange={setUser}
          exclude={(u) => memberIds.has(u.id) || u.status === "inactive"}
        />
        <div className="grid gap-1.5">
          <Label htmlFor="member-role">As</Label>
          <Select id="member-role" value={role} onChange={(e) => setRole(e.target.value as MemberRole)}>
            <option value="member">Member</option>
            <option value="lead">Lead</option>
          </Select>
        </div>
        <Button type="submit" className="sm:mt-[1.375rem]" disabled={!user || add.isPending}>
          <UserPlus aria-hidden="true" /> {add.isPending ? "Adding…" : "Add"}
        </Button>
      </div>
    </form>
  );
}

function MemberRow({ group, m, canEdit }: { group: Group; m: GroupMember; canEdit: boolean }) {
  const { add, remove, setRole } = useMemberActions(group.id);
  const busy = remove.isPending || setRole.isPending;

  const changeRole = async (role: MemberRole) => {
    const before = m.role;
    try {
      await setRole.mutateAsync({ userId: m.user_id, role });
      toast.success(`${m.name} is now ${role === "lead" ? "a lead" : "a member"} of ${group.name}`, {
        undo: () => setRole.mutateAsync({ userId: m.user_id, role: before }),
      });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  const removeMember = async () => {
    try {
      await remove.mutateAsync(m.user_id);
      toast.success(`Removed ${m.name} from ${group.name}`, {
        undo: () => add.mutateAsync({ userId: m.user_id, role: m.role }),
      });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border px-3 py-2 text-sm" data-testid="member">
      {/* At least 12rem: on a phone the name takes its own line above the role and the button. */}
      <span className="grid min-w-0 flex-1 basis-48">
        <Link to={`/users/${m.user_id}`} className="truncate font-medium hover:underline">
          {m.name}
        </Link>
        <span className="truncate text-xs text-muted-foreground">{m.email}</span>
      </span>
      {canEdit ? (
        <Select
          aria-label={`Role of ${m.name}`}
          className="h-8 w-28"
          value={m.role}
          disabled={busy}
          onChange={(e) => void changeRole(e.target.value as MemberRole)}
        >
          <option value="member">Member</option>
          <option value="lead">Lead</option>
        </Select>
      ) : (
        <Badge variant={m.role === "lead" ? "default" : "muted"}>{ROLE_LABEL[m.role]}</Badge>
      )}
      {canEdit && (
        <Button size="sm" variant="ghost" onClick={() => void removeMember()} disabled={busy} aria-label={`Remove ${m.name}`}>
          <UserMinus aria-hidden="true" />
        </Button>
      )}
    </li>
  );
}

export function GroupMembers({ group, canEdit }: { group: Group; canEdit: boolean }) {
  const members = useGroupMembers(group.id);
  const list = members.data ?? [];
  const leads = list.filter((m) => m.role === "lead").length;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Members{members.data ? ` (${list.length})` : ""}</CardTitle>
        <CardDescription>
          {members.data && list.length > 0
            ? `${leads} ${leads === 1 ? "lead" : "leads"}; every member holds the group's roles.`
            : "People in this group; every member holds the group's roles."}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        {members.isPending && <Skeleton className="h-16 w-full" />}
        {members.error && <Alert variant="error">Could not load the members: {errorMessage(members.error)}</Alert>}
        {members.data && list.length === 0 && (
          <EmptyState icon={Users} title="No members yet." description={canEdit ? "Add people below; a lead also heads the group." : undefined} className="py-4" />
        )}
        {list.length > 0 && (
          <ul className="grid grid-cols-[minmax(0,1fr)] gap-2" aria-label={`Members of ${group.name}`}>
            {list.map((m) => (
              <MemberRow key={m.user_id} group={group} m={m} canEdit={canEdit} />
            ))}
          </ul>
        )}
        {canEdit && members.data && <AddMember group={group} members={list} />}
      </CardContent>
    </Card>
  );
}
