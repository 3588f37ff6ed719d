/**
 * A service's stakeholders: people with a role in it (owner, manager, stakeholder,
 * contributor); add a user found by searching the server, remove one (with Undo).
 */
import { UserMinus, UserPlus, Users } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { errorMessage } from "@/api/problem";
import { EmptyState } from "@/components/EmptyState";
import { SearchPicker } from "@/components/SearchPicker";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import {
  labelOf,
  searchUsers,
  STAKEHOLDER_ROLES,
  useStakeholderActions,
  useStakeholders,
  type Service,
  type ServiceStakeholder,
  type StakeholderRole,
} from "./api";

type User = { id: string; name: string; email: string; status?: string };

function AddStakeholder({ service, stakeholders }: { service: Service; stakeholders: readonly ServiceStakeholder[] }) {
  const { add, remove } = useStakeholderActions(service.id);
  const [user, setUser] = React.useState<User | null>(null);
  const [role, setRole] = React.useState<StakeholderRole>("stakeholder");
  const taken = React.useMemo(() => new Set(stakeholders.map((s) => `${s.user_id}:${s.role}`)), [stakeholders]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!user) return;
    try {
      const made = await add.mutateAsync({ user_id: user.id, role });
      setUser(null);
      toast.success(`Added ${user.name} to ${service.name} as ${labelOf(STAKEHOLDER_ROLES, role).toLowerCase()}`, {
        undo: () => remove.mutateAsync(made.id),
      });
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Add a stakeholder" className="grid grid-cols-[minmax(0,1fr)] gap-2 border-t pt-4">
      <p className="text-sm font-medium">Add a stakeholder</p>
      <div className="grid grid-cols-[minmax(0,1fr)] items-start gap-2 sm:grid-cols-[minmax(0,1fr)_9rem_auto]">
        <SearchPicker<User>
          id="stakeholder-user"
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
          exclude={(u) => u.status === "inactive" || taken.has(`${u.id}:${role}`)}
        />
        <div className="grid gap-1.5">
          <Label htmlFor="stakeholder-role">As</Label>
          <Select id="stakeholder-role" value={role} onChange={(e) => setRole(e.target.value as StakeholderRole)}>
            {STAKEHOLDER_ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" className="sm:mt-[1.375rem]" disabled={!user || add.isPending}>
          <UserPlus aria-hidden="true" /> {add.isPending ? "Adding…" : "Add"}
        </Button>
      </div>
    </form>
  );
}

export function StakeholdersCard({ service, canEdit }: { service: Service; canEdit: boolean }) {
  const query = useStakeholders(service.id);
  const { add, remove } = useStakeholderActions(service.id);
  const list = query.data ?? [];

  const runRemove = async (s: ServiceStakeholder) => {
    try {
      await remove.mutateAsync(s.id);
      toast.success(`Removed ${s.user.name} from ${service.name}`, {
        undo: () => add.mutateAsync({ user_id: s.user_id, role: s.role }),
      });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <Card data-testid="stakeholders">
      <CardHeader>
        <CardTitle>Stakeholders{query.data ? ` (${list.length})` : ""}</CardTitle>
        <CardDescription>People with a part in {service.name}.</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        {query.isPending && <Skeleton className="h-12 w-full" />}
        {query.error && <Alert variant="error">Could not load the stakeholders: {errorMessage(query.error)}</Alert>}
        {query.data && list.length === 0 && <EmptyState icon={Users} title="No stakeholders yet." className="py-4" />}
        {list.length > 0 && (
          <ul className="grid grid-cols-[minmax(0,1fr)] gap-2">
            {list.map((s) => (
              <li key={s.id} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm" data-testid="stakeholder">
                <span className="grid min-w-0 flex-1">
                  <Link to={`/users/${s.user_id}`} className="truncate font-medium hover:underline">
                    {s.user.name}
                  </Link>
                  <span className="truncate text-xs text-muted-foreground">{s.user.email}</span>
                </span>
                <Badge variant={s.role === "owner" ? "default" : "secondary"}>{labelOf(STAKEHOLDER_ROLES, s.role)}</Badge>
                {canEdit && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove ${s.user.name} (${labelOf(STAKEHOLDER_ROLES, s.role).toLowerCase()})`}
                    disabled={remove.isPending}
                    onClick={() => void runRemove(s)}
                  >
                    <UserMinus aria-hidden="true" />
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canEdit && <AddStakeholder service={service} stakeholders={list} />}
      </CardContent>
    </Card>
  );
}
