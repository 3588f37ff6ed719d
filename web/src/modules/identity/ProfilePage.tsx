import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, Download, LogOut, ShieldCheck } from "lucide-react";
import QRCode from "qrcode";
import * as React from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import type { components } from "@/api/schema";
import { meQueryKey, useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";
import { setLoginNotice } from "@/lib/notice";
import { useUnsavedChanges } from "@/lib/useUnsavedChanges";
import { formatDateTime } from "@/lib/utils";
import { myRoleNames } from "./roles";
import { EditUserForm } from "./UserDetailPage";
import { usePageTitle } from "@/lib/usePageTitle";

type Session = components["schemas"]["SessionResponse"];
type Enrollment = components["schemas"]["MfaEnrollmentResponse"];

const passwordSchema = z
  .object({
    current_password: z.string().min(1, "Enter your current password."),
    new_password: z.string().min(12, "Use at least 12 characters."),
    confirm: z.string(),
  })
  .refine((v) => v.new_password === v.confirm, { path: ["confirm"], message: "The passwords differ." });
type PasswordValues = z.infer<typeof passwordSchema>;

function ChangePasswordCard({ userId, onDirtyChange }: { userId: string; onDirtyChange: (dirty: boolean) => void }) {
  const { logout } = useAuth();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<PasswordValues>({
    resolver: zodResolver(passwordSchema),
    defaultValues: { current_password: "", new_password: "", confirm: "" },
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  React.useEffect(() => onDirtyChange(isDirty), [isDirty, onDirtyChange]);
  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      await unwrap(
        api.PUT("/api/v1/users/{id}/password", {
          params: { path: { id: userId } },
          body: { current_password: v.current_password, new_password: v.new_password },
        }),
      );
      // The server ended every session, this one too.
      setLoginNotice("Your password is changed and all your sessions are signed out. Sign in with the new password.");
      // Nothing is unsaved any more: the way to the sign-in page is open.
      form.reset();
      onDirtyChange(false);
      await logout();
    } catch (e) {
      const rest = applyFieldErrors(e, ["current_password", "new_password"] as const, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setFormError([errorMessage(e), ...rest].join(" "));
      }
    }
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Change password</CardTitle>
        <CardDescription>All your sessions end, this one too; you then sign in again.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} noValidate aria-label="Change password">
        <CardContent className="grid gap-4">
          {formError && <Alert variant="error">{formError}</Alert>}
          <FormField id="current_password" label="Current password" error={errors.current_password}>
            <Input type="password" autoComplete="current-password" {...form.register("current_password")} />
          </FormField>
          <FormField id="new_password" label="New password" error={errors.new_password} hint="12 or more characters.">
            <Input type="password" autoComplete="new-password" {...form.register("new_password")} />
          </FormField>
          <FormField id="confirm_password" label="Repeat the new password" error={errors.confirm}>
            <Input type="password" autoComplete="new-password" {...form.register("confirm")} />
          </FormField>
        </CardContent>
        <CardFooter>
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Changing…" : "Change password"}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

const sessionsKey = ["auth", "sessions"] as const;

/** "Chrome on Linux · 192.0.2.1", for a session's row and its buttons' names. */
function sessionLabel(s: Session): string {
  return s.ip ? `${s.device} · ${s.ip}` : s.device;
}

function SessionsCard() {
  const qc = useQueryClient();
  const confirm = useConfirm();
  const query = useQuery({
    queryKey: sessionsKey,
    queryFn: () =>
      fetchAllPages(
        (page) => unwrap(api.GET("/api/v1/auth/sessions", { params: { query: { page, per_page: MAX_PER_PAGE } } })),
        (s) => s.id,
      ),
  });
  const revoke = useMutation({
    mutationFn: (s: Session) => unwrap(api.DELETE("/api/v1/auth/sessions/{id}", { params: { path: { id: s.id } } })),
    onSuccess: (_r, s) => {
      toast.success(`Signed out ${s.device}`);
      return qc.invalidateQueries({ queryKey: sessionsKey });
    },
    onError: (e) => toast.error(`Could not sign that session out: ${errorMessage(e)}`),
  });
  const revokeOthers = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/auth/sessions")),
    onSuccess: () => {
      toast.success("Signed out everywhere else");
      return qc.invalidateQueries({ queryKey: sessionsKey });
    },
    onError: (e) => toast.error(`Could not sign the other sessions out: ${errorMessage(e)}`),
  });
  const sessions: Session[] = query.data ?? [];
  const others = sessions.filter((s) => !s.current).length;
  const signOutOthers = async () => {
    const ok = await confirm({
      title: others === 1 ? "Sign out the other session?" : `Sign out ${others} other sessions?`,
      body: "Every device but this one is signed out and has to sign in again.",
      action: "Sign out",
      destructive: true,
    });
    if (ok) revokeOthers.mutate();
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sessions</CardTitle>
        <CardDescription>Where you are signed in.</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        {query.isPending && <Skeleton className="h-16 w-full" />}
        {query.error && <Alert variant="error">Could not load your sessions: {errorMessage(query.error)}</Alert>}
        <ul className="grid grid-cols-[minmax(0,1fr)] gap-2" aria-label="Sessions">
          {sessions.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-3 rounded-md border p-3" data-testid="session">
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                  <span className="truncate" title={s.user_agent ?? undefined}>
                    {s.device}
                  </span>
                  {s.current && <Badge variant="success">This device</Badge>}
                </p>
                <p className="text-xs text-muted-foreground">
                  {s.ip || "unknown address"} · signed in {formatDateTime(s.created_at)} · last used{" "}
                  {formatDateTime(s.last_used_at)}
                </p>
              </div>
              {!s.current && (
                <Button
                  variant="outline"
                  size="sm"
                  onClick={() => revoke.mutate(s)}
                  disabled={revoke.isPending}
                  aria-label={`Sign out ${sessionLabel(s)}, signed in ${formatDateTime(s.created_at)}`}
                >
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      </CardContent>
      {others > 0 && (
        <CardFooter>
          <Button variant="outline" onClick={() => void signOutOthers()} disabled={revokeOthers.isPending}>
            <LogOut aria-hidden="true" /> Sign out everywhere else
          </Button>
        </CardFooter>
      )}
    </Card>
  );
}

function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = React.useState<string | null>(null);
  React.useEffect(() => {
    let live = true;
    QRCode.toDataURL(uri, { margin: 1, width: 192 })
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [uri]);
  if (!src) return <Skeleton className="size-48" />;
  return (
    <img
      src={src}
      width={192}
      height={192}
      alt="QR code to scan with your authenticator app"
      className="rounded-md border bg-white"
      data-testid="mfa-qr"
    />
  );
}

const codeSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, "Enter the 6 digits your app shows.") });
const disableSchema = z.object({ password: z.string().min(1, "Enter your password.") });

/** Recovery codes as a text file to keep. */
function recoveryCodesText(codes: string[]): string {
  return [
    "FireLater recovery codes",
    "Each code signs you in once without your authenticator app.",
    "",
    ...codes,
    "",
  ].join("\n");
}

/** The recovery codes, shown once after two-step sign-in is turned on: copy them or save them. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      toast.success("Recovery codes copied");
    } catch {
      toast.error("Could not copy; select the codes and copy them yourself.");
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([recoveryCodesText(codes)], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "firelater-recovery-codes.txt";
    document.body.appendChild(a);
    a.click();
    a.remove();
    // The click has started the download; the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    toast.success("Recovery codes saved as firelater-recovery-codes.txt");
  };
  return (
    <div className="grid gap-3 rounded-md border p-4" data-testid="recovery-codes">
      <div>
        <p className="text-sm font-medium">Your recovery codes</p>
        <p className="text-sm text-muted-foreground">
          Each signs you in once without the app. Keep them somewhere safe: they are shown only now.
        </p>
      </div>
      <ul className="grid grid-cols-2 gap-1 font-mono text-sm" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" onClick={() => void copy()}>
          <Copy aria-hidden="true" /> Copy
        </Button>
        <Button variant="outline" size="sm" onClick={download}>
          <Download aria-hidden="true" /> Download .txt
        </Button>
        <Button variant="ghost" size="sm" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}

/**
 * Two-step sign-in, in one state from the server (`me.user.mfa_enabled`): off, with the set-up
 * steps; or on, with the recovery codes right after turning it on and the way to turn it off.
 */
function MfaCard({ enabled }: { enabled: boolean }) {
  const qc = useQueryClient();
  const [enrollment, setEnrollment] = React.useState<Enrollment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = React.useState<string[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [starting, setStarting] = React.useState(false);
  const confirmForm = useForm<z.infer<typeof codeSchema>>({ resolver: zodResolver(codeSchema), defaultValues: { code: "" } });
  const disableForm = useForm<z.infer<typeof disableSchema>>({
    resolver: zodResolver(disableSchema),
    defaultValues: { password: "" },
  });
  const refreshMe = () => qc.invalidateQueries({ queryKey: meQueryKey });

  const start = async () => {
    setError(null);
    setStarting(true);
    try {
      setEnrollment(await unwrap(api.POST("/api/v1/auth/mfa/enroll")));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) await refreshMe();
      else setError(errorMessage(e));
    } finally {
      setStarting(false);
    }
  };

  const confirm = confirmForm.handleSubmit(async (v) => {
    try {
      const res = await unwrap(api.POST("/api/v1/auth/mfa/confirm", { body: { code: v.code } }));
      setRecoveryCodes(res.recovery_codes);
      setEnrollment(null);
      confirmForm.reset();
      await refreshMe();
      toast.success("Two-step sign-in is on");
    } catch (e) {
      const rest = applyFieldErrors(e, ["code"] as const, confirmForm.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        confirmForm.setError("code", { type: "server", message: [errorMessage(e), ...rest].join(" ") }, { shouldFocus: true });
      }
    }
  });

  const disable = disableForm.handleSubmit(async (v) => {
    setError(null);
    try {
      await unwrap(api.DELETE("/api/v1/auth/mfa", { body: { password: v.password } }));
      disableForm.reset();
      setRecoveryCodes(null);
      await refreshMe();
      toast.success("Two-step sign-in is off");
    } catch (e) {
      const rest = applyFieldErrors(e, ["password"] as const, disableForm.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setError([errorMessage(e), ...rest].join(" "));
    }
  });

  return (
    <Card data-testid="mfa-card">
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          Two-step sign-in
          <Badge variant={enabled ? "success" : "muted"} data-testid="mfa-state">
            {enabled ? "On" : "Off"}
          </Badge>
        </CardTitle>
        <CardDescription>
          {enabled
            ? "After your password, you enter a code from your authenticator app."
            : "Add a code from an authenticator app, asked for after your password."}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {error && <Alert variant="error">{error}</Alert>}
        {enabled && recoveryCodes && <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />}
        {!enabled &&
          (enrollment ? (
            <form onSubmit={confirm} noValidate className="grid gap-4" aria-label="Confirm two-step sign-in">
              <p className="text-sm">Scan this code with your authenticator app, or type the key into it.</p>
              <QrCode uri={enrollment.otpauth_uri} />
              <p className="text-sm">
                Key: <code className="break-all rounded bg-muted px-1 font-mono" data-testid="mfa-secret">{enrollment.secret}</code>
              </p>
              <FormField id="mfa-code" label="Code from the app" error={confirmForm.formState.errors.code}>
                <Input inputMode="numeric" autoComplete="one-time-code" {...confirmForm.register("code")} />
              </FormField>
              <div className="flex gap-2">
                <Button type="submit" disabled={confirmForm.formState.isSubmitting}>
                  Turn on
                </Button>
                <Button variant="ghost" onClick={() => setEnrollment(null)}>
                  Cancel
                </Button>
              </div>
            </form>
          ) : (
            <Button className="w-fit" onClick={() => void start()} disabled={starting}>
              <ShieldCheck aria-hidden="true" /> Set up two-step sign-in
            </Button>
          ))}
        {enabled && (
          <form onSubmit={disable} noValidate className="grid gap-3 border-t pt-4" aria-label="Turn off two-step sign-in">
            <p className="text-sm text-muted-foreground">Your password turns it off.</p>
            <FormField id="mfa-off-password" label="Password" error={disableForm.formState.errors.password}>
              <Input type="password" autoComplete="current-password" {...disableForm.register("password")} />
            </FormField>
            <Button type="submit" variant="outline" className="w-fit" disabled={disableForm.formState.isSubmitting}>
              Turn off two-step sign-in
            </Button>
          </form>
        )}
      </CardContent>
    </Card>
  );
}

/** The signed-in user's own page: details, password, sessions and two-step sign-in. */
export function ProfilePage() {
  const { me } = useAuth();
  const qc = useQueryClient();
  usePageTitle("Profile");
  // One guard for the page; each form says whether it holds unsaved input.
  const [editDirty, setEditDirty] = React.useState(false);
  const [passwordDirty, setPasswordDirty] = React.useState(false);
  useUnsavedChanges(editDirty || passwordDirty);
  if (!me) return null;
  return (
    <div className="mx-auto grid max-w-4xl grid-cols-[minmax(0,1fr)] gap-4">
      <h1 className="text-2xl font-semibold tracking-tight">My profile</h1>
      <Card>
        <CardHeader>
          <CardTitle>Details</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-4 sm:grid-cols-2">
            <div className="grid gap-0.5">
              <dt className="text-xs text-muted-foreground">Email</dt>
              <dd className="text-sm">{me.user.email}</dd>
            </div>
            <div className="grid gap-0.5">
              <dt className="text-xs text-muted-foreground">Tenant</dt>
              <dd className="text-sm">{me.tenant.name}</dd>
            </div>
            <div className="grid gap-0.5">
              <dt className="text-xs text-muted-foreground">Roles</dt>
              <dd className="text-sm">{myRoleNames(me).join(", ") || "—"}</dd>
            </div>
            <div className="grid gap-0.5">
              <dt className="text-xs text-muted-foreground">Last sign-in</dt>
              <dd className="text-sm">{formatDateTime(me.user.last_login_at)}</dd>
            </div>
          </dl>
        </CardContent>
      </Card>
      <EditUserForm
        key={me.user.id}
        user={me.user}
        onReload={async () => (await qc.fetchQuery({ queryKey: meQueryKey, queryFn: () => unwrap(api.GET("/api/v1/auth/me")) })).user}
        onDirtyChange={setEditDirty}
      />
      <ChangePasswordCard userId={me.user.id} onDirtyChange={setPasswordDirty} />
      <SessionsCard />
      <MfaCard enabled={me.user.mfa_enabled} />
    </div>
  );
}
