import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link, useSearchParams } from "react-router";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { Logo } from "@/components/Logo";
import { ThemeToggle } from "@/components/ThemeToggle";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { usePageTitle } from "@/lib/usePageTitle";

const TENANT_KEY = "firelater.tenant";

function lastTenant(): string {
  try {
    return localStorage.getItem(TENANT_KEY) ?? "default";
  } catch {
    return "default";
  }
}

/** The frame of the pages one reaches without signing in. */
function PublicFrame({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  usePageTitle(title);
  return (
    <div className="grid min-h-dvh place-items-center bg-muted/40 p-4">
      <div className="absolute right-3 top-3">
        <ThemeToggle />
      </div>
      <main className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-3">
          <Logo className="size-12" />
          <h1 className="text-2xl font-semibold tracking-tight">FireLater</h1>
        </div>
        <Card>
          <CardHeader>
            <CardTitle>{title}</CardTitle>
            <CardDescription>{description}</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            {children}
            <Link to="/login" className="text-center text-sm text-muted-foreground underline-offset-4 hover:underline">
              Back to sign in
            </Link>
          </CardContent>
        </Card>
      </main>
    </div>
  );
}

const forgotSchema = z.object({
  tenant: z.string().trim().min(1, "Enter your organisation's tenant."),
  email: z.string().trim().min(1, "Enter your email."),
});
type ForgotValues = z.infer<typeof forgotSchema>;

/** Asks for a reset link; the answer never says whether the account exists. */
export function ForgotPasswordPage() {
  const [sentTo, setSentTo] = React.useState<string | null>(null);
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<ForgotValues>({
    resolver: zodResolver(forgotSchema),
    defaultValues: { tenant: lastTenant(), email: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      await unwrap(api.POST("/api/v1/auth/forgot-password", { body: { tenant: v.tenant, email: v.email } }));
      setSentTo(v.email);
    } catch (e) {
      const rest = applyFieldErrors(e, ["tenant", "email"] as const, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setFormError([errorMessage(e), ...rest].join(" "));
      }
    }
  });

  return (
    <PublicFrame title="Forgot password" description="We email you a link to choose a new password.">
      {sentTo ? (
        <Alert variant="success" data-testid="forgot-sent">
          If {sentTo} has an account, a link to reset its password is on its way. The link works for a limited time.
        </Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Forgot password">
          {formError && <Alert variant="error">{formError}</Alert>}
          <FormField id="tenant" label="Tenant" error={errors.tenant}>
            <Input autoComplete="organization" autoCapitalize="none" spellCheck={false} {...form.register("tenant")} />
          </FormField>
          <FormField id="email" label="Email" error={errors.email}>
            <Input type="email" autoComplete="username" autoFocus {...form.register("email")} />
          </FormField>
          <Button type="submit" disabled={isSubmitting} className="w-full">
            {isSubmitting ? "Sending…" : "Send reset link"}
          </Button>
        </form>
      )}
    </PublicFrame>
  );
}

const resetSchema = z
  .object({
    new_password: z.string().min(12, "Use at least 12 characters."),
    confirm: z.string(),
  })
  .refine((v) => v.new_password === v.confirm, { path: ["confirm"], message: "The passwords differ." });
type ResetValues = z.infer<typeof resetSchema>;

/** Sets a new password with the token of the emailed link (`/reset-password?token=…`). */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [done, setDone] = React.useState(false);
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<ResetValues>({ resolver: zodResolver(resetSchema), defaultValues: { new_password: "", confirm: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      await unwrap(api.POST("/api/v1/auth/reset-password", { body: { token, new_password: v.new_password } }));
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.token) {
        setFormError(`This reset link does not work any more (${e.fieldErrors.token.join(" ")}) Ask for a new one.`);
        return;
      }
      const rest = applyFieldErrors(e, ["new_password"] as const, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setFormError([errorMessage(e), ...rest].join(" "));
      }
    }
  });

  if (!token)
    return (
      <PublicFrame title="Reset password" description="Choose a new password.">
        <Alert variant="error">This link has no reset token. Open the link from the email again, or ask for a new one.</Alert>
        <Link to="/forgot-password" className="text-center text-sm font-medium underline-offset-4 hover:underline">
          Ask for a new link
        </Link>
      </PublicFrame>
    );

  return (
    <PublicFrame title="Reset password" description="Choose a new password: 12 or more characters.">
      {done ? (
        <Alert variant="success" data-testid="reset-done">
          Your password is changed and your other sessions are signed out. Sign in with the new password.
        </Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Reset password">
          {formError && (
            <Alert variant="error">
              <p>{formError}</p>
              <Link to="/forgot-password" className="font-medium underline underline-offset-4">
                Ask for a new link
              </Link>
            </Alert>
          )}
          <FormField id="new_password" label="New password" error={errors.new_password}>
            <Input type="password" autoComplete="new-password" autoFocus {...form.register("new_password")} />
          </FormField>
          <FormField id="confirm" label="Repeat the new password" error={errors.confirm}>
            <Input type="password" autoComplete="new-password" {...form.register("confirm")} />
          </FormField>
          <Button type="submit" disabled={isSubmitting} className="w-full">
            {isSubmitting ? "Saving…" : "Set new password"}
          </Button>
        </form>
      )}
    </PublicFrame>
  );
}
