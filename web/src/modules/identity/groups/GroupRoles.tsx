/** The roles a group holds for its members: listed by display name, set by an administrator. */
import * as React from "react";
import { errorMessage } from "@/api/problem";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { sameSet, toggle, toList } from "@/lib/permissionMatrix";
import { useRoles } from "@/modules/identity/roles";
import { useGroup, useSetGroupRoles, type Group } from "./api";

export function GroupRoles({ group, canEdit }: { group: Group; canEdit: boolean }) {
  const full = useGroup(group.id);
  const roles = useRoles(canEdit);
  const setRoles = useSetGroupRoles(group.id);
  const held = full.data?.roles;
  const initial = React.useMemo(() => new Set((held ?? []).map((r) => r.name)), [held]);
  const [selected, setSelected] = React.useState<Set<string> | null>(null);
  const current = selected ?? initial;
  const changed = selected !== null && !sameSet(selected, initial);

  const save = async () => {
    const before = toList(initial);
    try {
      await setRoles.mutateAsync(toList(current));
      setSelected(null);
      toast.success(`Saved the roles of ${group.name}`, { undo: () => setRoles.mutateAsync(before) });
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Roles</CardTitle>
        <CardDescription>Every member of {group.name} holds these roles' permissions.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {(full.isPending || (canEdit && roles.isPending)) && <Skeleton className="h-12 w-full" />}
        {full.error && <Alert variant="error">Could not load the group's roles: {errorMessage(full.error)}</Alert>}
        {roles.error && <Alert variant="error">Could not load the roles: {errorMessage(roles.error)}</Alert>}
        {!canEdit && held && (
          <p className="flex flex-wrap gap-1.5 text-sm">
            {held.length === 0 && <span className="text-muted-foreground">No roles: membership alone grants nothing.</span>}
            {held.map((r) => (
              <Badge key={r.id} variant="secondary">
                {r.display_name}
              </Badge>
            ))}
          </p>
        )}
        {canEdit && held && roles.data && (
          <fieldset className="grid gap-2 sm:grid-cols-2">
            <legend className="sr-only">Roles of {group.name}</legend>
            {roles.data.map((r) => (
              <label key={r.id} className="flex items-start gap-2 rounded-md border p-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-0.5 size-4 accent-primary"
                  checked={current.has(r.name)}
                  onChange={() => setSelected(toggle(current, r.name))}
                />
                <span className="min-w-0">
                  <span className="font-medium">{r.display_name}</span>
                  {r.description && <span className="block text-xs text-muted-foreground">{r.description}</span>}
                </span>
              </label>
            ))}
          </fieldset>
        )}
      </CardContent>
      {canEdit && (
        <CardFooter className="gap-2">
          <Button onClick={() => void save()} disabled={!changed || setRoles.isPending}>
            {setRoles.isPending ? "Saving…" : "Save roles"}
          </Button>
          {changed && (
            <Button variant="ghost" onClick={() => setSelected(null)}>
              Discard
            </Button>
          )}
        </CardFooter>
      )}
    </Card>
  );
}
