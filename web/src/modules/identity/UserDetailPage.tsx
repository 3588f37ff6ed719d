import { zodResolver } from "@hookform/resolvers/zod";
import { ArrowLeft, KeyRound, LockOpen, Mail, RotateCw, ShieldOff, UserCheck, UserX } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link, useParams } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import {
  useDeactivateUser,
  useInviteUser,
  useReactivateUser,
  useResetUserMfa,
  useSetUserPassword,
  useUnlockUser,
  useUpdateUser,
  useUser,
  type User,
} from "@/modules/identity/users";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { toast } from "@/components/toast";
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
import { useDialogGuard, useUnsavedChanges } from "@/lib/useUnsavedChanges";
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

/**
 * The name, phone and time zone of a user. It reports whether it holds unsaved input through
 * `onDirtyChange`, so its page guards all its sections with one `useUnsavedChanges`.
 */
export function EditUserForm({
  user,
  onReload,
  onDirtyChange,
}: {
  user: User;
  onReload: () => Promise<User | undefined>;
  onDirtyChange?: (dirty: boolean) => void;
}) {
  const update = useUpdateUser(user.id);
  const [version, setVersion] = React.useState(user.version);
  const [conflict, setConflict] = React.useState(false);
  const [message, setMessage] = React.useState<{ kind: "error" | "success"; text: string } | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: valuesOf(user) });
  const { errors, isSubmitting, isDirty } = form.formState;
  const zones = React.useMemo(() => timeZones(), []);
  React.useEffect(() => onDirtyChange?.(isDirty), [isDirty, onDirtyChange]);

  const onSubmit = form.handleSubmit(async (v) => {
    setMessage(null);
    setConflict(false);
    try {
      const saved = await update.mutateAsync({ version, name: v.name, phone: v.phone || null, timezone: v.timezone });
      setVersion(saved.version);
      form.reset(valuesOf(saved));
      toast.success("Changes saved");
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

/** Deactivation asks first; its toast offers Undo, which reactivates. */
function DeactivateCard({ user }: { user: User }) {
  const deactivate = useDeactivateUser(user.id);
  const reactivate = useReactivateUser(user.id);
  const confirm = useConfirm();
  const run = async () => {
    const ok = await confirm({
      title: `Deactivate ${user.name}?`,
      body: "They are signed out everywhere and cannot sign in until someone reactivates them. Nothing is deleted.",
      action: "Deactivate",
      destructive: true,
    });
    if (!ok) return;
    try {
      await deactivate.mutateAsync();
      toast.success(`${user.name} is deactivated`, { undo: () => reactivate.mutateAsync() });
    } catch (e) {
      toast.error(`Could not deactivate ${user.name}: ${errorMessage(e)}`);
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
        <Button variant="destructive" onClick={() => void run()} disabled={deactivate.isPending}>
          <UserX aria-hidden="true" /> {deactivate.isPending ? "Deactivating…" : "Deactivate user"}
        </Button>
      </CardFooter>
    </Card>
  );
}

/** A deactivated user comes back: with their password if they had one, else pending again. */
function ReactivateCard({ user }: { user: User }) {
  const reactivate = useReactivateUser(user.id);
  const run = async () => {
    try {
      const after = await reactivate.mutateAsync();
      toast.success(
        after.status === "pending" ? `${user.name} is reactivated and waits for a password` : `${user.name} is reactivated`,
      );
    } catch (e) {
      toast.error(`Could not reactivate ${user.name}: ${errorMessage(e)}`);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Deactivated</CardTitle>
        <CardDescription>
          {user.name} cannot sign in. Reactivating lets them sign in again with the password they had.
        </CardDescription>
      </CardHeader>
      <CardFooter>
        <Button onClick={() => void run()} disabled={reactivate.isPending}>
          <UserCheck aria-hidden="true" /> {reactivate.isPending ? "Reactivating…" : "Reactivate"}
        </Button>
      </CardFooter>
    </Card>
  );
}

const passwordSchema = z.object({ new_password: z.string().min(12, "Use at least 12 characters.") });

/** An administrator gives a user a password; a pending user becomes active with it. */
function SetPasswordDialog({ user, open, onOpenChange }: { user: User; open: boolean; onOpenChange: (o: boolean) => void }) {
  const setPassword = useSetUserPassword(user.id);
  const form = useForm<z.infer<typeof passwordSchema>>({
    resolver: zodResolver(passwordSchema),
    defaultValues: { new_password: "" },
  });
  const [formError, setFormError] = React.useState<string | null>(null);
  const close = React.useCallback(() => {
    form.reset();
    setFormError(null);
    onOpenChange(false);
  }, [form, onOpenChange]);
  const guard = useDialogGuard(form.formState.isDirty, close);
  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      await setPassword.mutateAsync(v.new_password);
      close();
      toast.success(
        user.status === "pending" ? `${user.name} has a password and is active` : `${user.name}'s password is set`,
        { description: "Tell them the password in person; their other sessions have ended." },
      );
    } catch (e) {
      const rest = applyFieldErrors(e, ["new_password"] as const, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });
  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Set a password for {user.name}</DialogTitle>
          <DialogDescription>They are told by email that an administrator set it; every session of theirs ends.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Set password" id="set-password-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <FormField id="set-password" label="New password" error={form.formState.errors.new_password} hint="12 characters or more.">
            <Input type="password" autoComplete="new-password" {...form.register("new_password")} />
          </FormField>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="set-password-form" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? "Setting…" : "Set password"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/**
 * How the user signs in, and what an administrator can do about it: invite a pending user or
 * give them a password, lift a lockout, take away a lost authenticator.
 */
function SignInCard({ user }: { user: User }) {
  const { can } = useAuth();
  const invite = useInviteUser(user.id);
  const unlock = useUnlockUser(user.id);
  const resetMfa = useResetUserMfa(user.id);
  const confirm = useConfirm();
  const [settingPassword, setSettingPassword] = React.useState(false);
  const pending = user.status === "pending";
  const admin = can("users:admin");
  const canInvite = pending && can("users:update");

  const sendInvite = async () => {
    try {
      await invite.mutateAsync();
      toast.success(`Invitation sent to ${user.email}`, { description: "The link to set a password works for 7 days." });
    } catch (e) {
      toast.error(`Could not invite ${user.name}: ${errorMessage(e)}`);
    }
  };
  const runUnlock = async () => {
    try {
      await unlock.mutateAsync();
      toast.success(`${user.name} can try to sign in again`);
    } catch (e) {
      toast.error(`Could not unlock ${user.name}: ${errorMessage(e)}`);
    }
  };
  const runResetMfa = async () => {
    const ok = await confirm({
      title: `Reset two-step sign-in of ${user.name}?`,
      body: "Their authenticator app and recovery codes stop working; they sign in with their password alone until they set it up again.",
      action: "Reset two-step sign-in",
      destructive: true,
    });
    if (!ok) return;
    try {
      await resetMfa.mutateAsync();
      toast.success(`Two-step sign-in of ${user.name} is off`);
    } catch (e) {
      toast.error(`Could not reset two-step sign-in: ${errorMessage(e)}`);
    }
  };

  if (!canInvite && !admin) return null;
  return (
    <Card data-testid="sign-in-card">
      <CardHeader>
        <CardTitle>Sign-in</CardTitle>
        <CardDescription>
          {pending
            ? `${user.name} has no password yet. Invite them to choose one, or set one yourself.`
            : user.mfa_enabled
              ? `${user.name} signs in with a password and an authenticator app.`
              : `${user.name} signs in with a password.`}
        </CardDescription>
      </CardHeader>
      <CardFooter className="flex-wrap gap-2">
        {canInvite && (
          <Button onClick={() => void sendInvite()} disabled={invite.isPending}>
            <Mail aria-hidden="true" /> {invite.isPending ? "Sending…" : "Send invitation"}
          </Button>
        )}
        {admin && (
          <Button variant="outline" onClick={() => setSettingPassword(true)}>
            <KeyRound aria-hidden="true" /> Set password
          </Button>
        )}
        {admin && !pending && (
          <Button variant="outline" onClick={() => void runUnlock()} disabled={unlock.isPending}>
            <LockOpen aria-hidden="true" /> Unlock sign-in
          </Button>
        )}
        {admin && user.mfa_enabled && (
          <Button variant="outline" onClick={() => void runResetMfa()} disabled={resetMfa.isPending}>
            <ShieldOff aria-hidden="true" /> Reset two-step sign-in
          </Button>
        )}
      </CardFooter>
      {admin && <SetPasswordDialog user={user} open={settingPassword} onOpenChange={setSettingPassword} />}
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
  const query = useUser(id);
  const user = query.data;
  usePageTitle(user?.name ?? "User");
  const isSelf = me?.user.id === id;
  // One guard for the page: each section says whether it holds unsaved input.
  const [editDirty, setEditDirty] = React.useState(false);
  const [rolesDirty, setRolesDirty] = React.useState(false);
  useUnsavedChanges(editDirty || rolesDirty);

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
                <Detail label="Two-step sign-in">{user.mfa_enabled ? "On" : "Off"}</Detail>
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
              onDirtyChange={setEditDirty}
            />
          )}
          {can("roles:admin") && <UserRolesCard key={`roles-${user.id}`} user={user} onDirtyChange={setRolesDirty} />}
          {!isSelf && user.status !== "inactive" && <SignInCard user={user} />}
          {(isSelf || can("users:read")) && <UserGroupsCard key={`groups-${user.id}`} user={user} />}
          {!isSelf && can("users:delete") && user.status !== "inactive" && <DeactivateCard user={user} />}
          {!isSelf && can("users:delete") && user.status === "inactive" && <ReactivateCard user={user} />}
        </>
      )}
    </div>
  );
}
