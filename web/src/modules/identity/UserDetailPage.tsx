import { zodResolver } from "@hookform/resolvers/zod";
import { ArrowLeft, RotateCw, UserX } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link, useLocation, useParams } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { useDeactivateUser, useUpdateUser, useUser, type User } from "@/modules/identity/users";
import { useAuth } from "@/auth/auth";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { timeZones } from "@/lib/timezones";
import { formatDateTime } from "@/lib/utils";
import { UserRolesCard } from "./UserRolesCard";
import { UserGroupsCard } from "./UserGroupsCard";
import { StatusBadge } from "./UsersPage";
import { usePageTitle } from "@/lib/usePageTitle";

const schema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(255),
  phone: z.string().trim(),
  timezone: z.string().trim().min(1, "Enter a time zone, e.g. UTC or Europe/Paris."),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["name", "phone", "timezone"] as const;

function valuesOf(u: User): Values {
  return { name: u.name, phone: u.phone ?? "", timezone: u.timezone };
}

export function EditUserForm({ user, onReload }: { user: User; onReload: () => Promise<User | undefined> }) {
  const update = useUpdateUser(user.id);
  const [version, setVersion] = React.useState(user.version);
  const [conflict, setConflict] = React.useState(false);
  const [message, setMessage] = React.useState<{ kind: "error" | "success"; text: string } | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: valuesOf(user) });
  const { errors, isSubmitting, isDirty } = form.formState;
  const zones = React.useMemo(() => timeZones(), []);

  const onSubmit = form.handleSubmit(async (v) => {
    setMessage(null);
    setConflict(false);
    try {
      const saved = await update.mutateAsync({ version, name: v.name, phone: v.phone || null, timezone: v.timezone });
      setVersion(saved.version);
      form.reset(valuesOf(saved));
      setMessage({ kind: "success", text: "Saved." });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !e.hasFieldErrors) {
        setConflict(true);
        return;
      }
      const rest = applyFieldErrors(e, FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setMessage({ kind: "error", text: [errorMessage(e), ...rest].join(" ") });
      }
    }
  });

  const reload = async () => {
    const fresh = await onReload();
    if (fresh) {
      setVersion(fresh.version);
      form.reset(valuesOf(fresh));
    }
    setConflict(false);
    setMessage(null);
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Edit</CardTitle>
        <CardDescription>Name, phone and time zone.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} noValidate aria-label="Edit user">
        <CardContent className="grid gap-4">
          {conflict && (
            <Alert variant="error" data-testid="conflict">
              <p>Someone changed this user; reload to see their changes, then make yours again.</p>
              <Button variant="outline" size="sm" onClick={() => void reload()}>
                <RotateCw aria-hidden="true" /> Reload
              </Button>
            </Alert>
          )}
          {message && <Alert variant={message.kind}>{message.text}</Alert>}
          <FormField id="edit-name" label="Name" error={errors.name}>
            <Input autoComplete="off" {...form.register("name")} />
          </FormField>
          <FormField id="edit-phone" label="Phone" error={errors.phone} hint="Leave empty to remove it.">
            <Input type="tel" autoComplete="off" {...form.register("phone")} />
          </FormField>
          <FormField id="edit-timezone" label="Time zone" error={errors.timezone}>
            <Input list="edit-timezones" autoComplete="off" {...form.register("timezone")} />
          </FormField>
          <datalist id="edit-timezones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </CardContent>
        <CardFooter className="gap-2">
          <Button type="submit" disabled={isSubmitting || !isDirty}>
            {isSubmitting ? "Saving…" : "Save changes"}
          </Button>
          {isDirty && (
            <Button variant="ghost" onClick={() => form.reset(valuesOf(user))}>
              Discard
            </Button>
          )}
        </CardFooter>
      </form>
    </Card>
  );
}

function DeactivateCard({ user }: { user: User }) {
  const deactivate = useDeactivateUser(user.id);
  const [open, setOpen] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const confirm = async () => {
    setError(null);
    try {
      await deactivate.mutateAsync();
      setOpen(false);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Card className="border-destructive/40">
      <CardHeader>
        <CardTitle>Deactivate</CardTitle>
        <CardDescription>
          {user.name} can no longer sign in and their sessions end at once. Nothing is deleted.
        </CardDescription>
      </CardHeader>
      <CardFooter>
        <Button variant="destructive" onClick={() => setOpen(true)}>
          <UserX aria-hidden="true" /> Deactivate user
        </Button>
      </CardFooter>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Deactivate {user.name}?</DialogTitle>
            <DialogDescription>They are signed out everywhere and cannot sign in again.</DialogDescription>
          </DialogHeader>
          {error && <Alert variant="error">{error}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button variant="destructive" onClick={() => void confirm()} disabled={deactivate.isPending}>
              {deactivate.isPending ? "Deactivating…" : "Deactivate"}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export function UserDetailPage() {
  const { id = "" } = useParams();
  const { me, can } = useAuth();
  const location = useLocation();
  const query = useUser(id);
  const user = query.data;
  usePageTitle(user?.name ?? "User");
  const isSelf = me?.user.id === id;
  const created = (location.state as { created?: boolean } | null)?.created === true;

  return (
    <div className="mx-auto grid max-w-4xl gap-4">
      {can("users:read") && (
        <Link to="/users" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
          <ArrowLeft className="size-4" aria-hidden="true" /> Users
        </Link>
      )}
      {query.isPending && (
        <div className="grid gap-3" aria-busy="true" aria-label="Loading user">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-40 w-full" />
        </div>
      )}
      {query.error && (
        <Alert variant="error">
          <p>
            {query.error instanceof ApiError && query.error.status === 404
              ? "This user does not exist, or you may not see them."
              : `Could not load this user: ${errorMessage(query.error)}`}
          </p>
          <Button variant="outline" size="sm" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {user && (
        <>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight">{user.name}</h1>
            <StatusBadge status={user.status} />
            {isSelf && <span className="text-sm text-muted-foreground">(you)</span>}
          </div>
          {created && <Alert variant="success">User created.</Alert>}
          <Card>
            <CardHeader>
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-4 sm:grid-cols-2">
                <Detail label="Email">{user.email}</Detail>
                <Detail label="Roles">{(user.roles ?? []).map((r) => r.display_name).join(", ") || "—"}</Detail>
                <Detail label="Time zone">{user.timezone}</Detail>
                <Detail label="Phone">{user.phone || "—"}</Detail>
                <Detail label="Sign-in">{user.auth_provider}</Detail>
                <Detail label="Last sign-in">{formatDateTime(user.last_login_at)}</Detail>
                <Detail label="Created">{formatDateTime(user.created_at)}</Detail>
                <Detail label="Updated">{formatDateTime(user.updated_at)}</Detail>
              </dl>
            </CardContent>
          </Card>
          {(isSelf || can("users:update")) && (
            <EditUserForm
              key={user.id}
              user={user}
              onReload={async () => (await query.refetch()).data}
            />
          )}
          {can("roles:admin") && <UserRolesCard key={`roles-${user.id}`} user={user} />}
          {(isSelf || can("users:read")) && <UserGroupsCard key={`groups-${user.id}`} user={user} />}
          {!isSelf && can("users:delete") && user.status !== "inactive" && <DeactivateCard user={user} />}
        </>
      )}
    </div>
  );
}
