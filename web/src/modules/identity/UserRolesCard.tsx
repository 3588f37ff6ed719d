import * as React from "react";
import { errorMessage } from "@/api/problem";
import { toast } from "@/components/toast";
import { useRoles, useSetUserRoles } from "@/modules/identity/roles";
import type { User } from "@/modules/identity/users";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { sameSet, toggle, toList } from "@/lib/permissionMatrix";

/**
 * An administrator sets which roles a user holds. It reports unsaved ticks through
 * `onDirtyChange`, for its page's one `useUnsavedChanges`.
 */
export function UserRolesCard({ user, onDirtyChange }: { user: User; onDirtyChange?: (dirty: boolean) => void }) {
  const roles = useRoles();
  const setRoles = useSetUserRoles(user.id);
  const initial = React.useMemo(() => new Set((user.roles ?? []).map((r) => r.name)), [user.roles]);
  const [selected, setSelected] = React.useState<Set<string>>(initial);
  const [error, setError] = React.useState<string | null>(null);
  const changed = !sameSet(selected, initial);
  React.useEffect(() => onDirtyChange?.(changed), [changed, onDirtyChange]);

  const save = async () => {
    setError(null);
    try {
      await setRoles.mutateAsync(toList(selected));
      toast.success(`Roles of ${user.name} saved`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Roles</CardTitle>
        <CardDescription>What {user.name} may do comes from these roles.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {error && <Alert variant="error">{error}</Alert>}
        {roles.isPending && <Skeleton className="h-16 w-full" />}
        {roles.error && <Alert variant="error">Could not load the roles: {errorMessage(roles.error)}</Alert>}
        <fieldset className="grid gap-2 sm:grid-cols-2">
          <legend className="sr-only">Roles of {user.name}</legend>
          {(roles.data ?? []).map((r) => (
            <label key={r.id} className="flex items-start gap-2 rounded-md border p-2 text-sm">
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-primary"
                checked={selected.has(r.name)}
                onChange={() => setSelected((s) => toggle(s, r.name))}
              />
              <span>
                <span className="font-medium">{r.display_name}</span>
                {r.description && <span className="block text-xs text-muted-foreground">{r.description}</span>}
              </span>
            </label>
          ))}
        </fieldset>
      </CardContent>
      <CardFooter className="gap-2">
        <Button onClick={() => void save()} disabled={!changed || setRoles.isPending}>
          {setRoles.isPending ? "Saving…" : "Save roles"}
        </Button>
        {changed && (
          <Button variant="ghost" onClick={() => setSelected(initial)}>
            Discard
          </Button>
        )}
      </CardFooter>
    </Card>
  );
}
