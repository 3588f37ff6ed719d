import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { Logo } from "@/components/Logo";
import { ThemeToggle } from "@/components/ThemeToggle";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ArrowLeft, ShieldCheck } from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { clearLoginNotice, peekLoginNotice } from "@/lib/notice";
import { usePageTitle } from "@/lib/usePageTitle";

const schema = z.object({
  tenant: z.string().trim().min(1, "Enter your organisation's tenant."),
  email: z.string().trim().min(1, "Enter your email."),
  password: z.string().min(1, "Enter your password."),
  mfa_code: z.string().trim().optional(),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["tenant", "email", "password", "mfa_code"] as const;
const TENANT_KEY = "firelater.tenant";

function lastTenant(): string {
  try {
    return localStorage.getItem(TENANT_KEY) ?? "default";
  } catch {
    return "default";
  }
}

/** Only same-app paths are followed after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage() {
  usePageTitle("Sign in");
  const { restoring, signedIn, me, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [formError, setFormError] = React.useState<string | null>(null);
  const [needsCode, setNeedsCode] = React.useState(false);
  const [notice] = React.useState(peekLoginNotice);
  React.useEffect(() => clearLoginNotice(), []);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { tenant: lastTenant(), email: "", password: "", mfa_code: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const backToPassword = () => {
    setNeedsCode(false);
    setFormError(null);
    form.setValue("mfa_code", "");
    form.setValue("password", "");
    form.clearErrors();
  };

  if (signedIn && me) return <Navigate to={next} replace />;
  // A page load may still bring the session back from the refresh cookie.
  if (restoring) return <div className="min-h-dvh bg-muted/40" aria-busy="true" aria-label="Loading" />;

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      await login({
        tenant: v.tenant,
        email: v.email,
        password: v.password,
        ...(needsCode && v.mfa_code ? { mfa_code: v.mfa_code } : {}),
      });
      try {
        localStorage.setItem(TENANT_KEY, v.tenant);
      } catch {
        // Not remembered in private mode.
      }
      navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === "mfa_required") {
        // Not a mistake: the account asks for a second step, shown as its own calm prompt.
        if (needsCode) form.setError("mfa_code", { type: "server", message: "Enter the code." }, { shouldFocus: true });
        setNeedsCode(true);
        return;
      }
      if (e instanceof ApiError && e.code === "mfa_code_invalid") {
        form.setError("mfa_code", { type: "server", message: e.detail }, { shouldFocus: true });
        return;
      }
      const rest = applyFieldErrors(e, FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setFormError([errorMessage(e), ...rest].join(" "));
      }
    }
  });

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
          {needsCode ? (
            <>
              <CardHeader>
                <CardTitle className="flex items-center gap-2">
                  <ShieldCheck className="size-5 text-primary" aria-hidden="true" /> Two-step sign-in
                </CardTitle>
                <CardDescription>Enter the 6-digit code from your authenticator app.</CardDescription>
              </CardHeader>
              <CardContent>
                <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Two-step sign-in">
                  {formError && <Alert variant="error">{formError}</Alert>}
                  <FormField
                    id="mfa_code"
                    label="Code"
                    error={errors.mfa_code}
                    hint="Lost your phone? Enter one of your recovery codes instead."
                  >
                    <Input
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      autoCapitalize="none"
                      spellCheck={false}
                      autoFocus
                      {...form.register("mfa_code")}
                    />
                  </FormField>
                  <Button type="submit" disabled={isSubmitting} className="w-full">
                    {isSubmitting ? "Checking…" : "Verify"}
                  </Button>
                  <Button variant="ghost" onClick={backToPassword} className="w-full">
                    <ArrowLeft aria-hidden="true" /> Back
                  </Button>
                </form>
              </CardContent>
            </>
          ) : (
            <>
              <CardHeader>
                <CardTitle>Sign in</CardTitle>
                <CardDescription>Use your organisation's tenant, your email and your password.</CardDescription>
              </CardHeader>
              <CardContent>
                <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Sign in">
                  {notice && !formError && <Alert variant="success">{notice}</Alert>}
                  {formError && <Alert variant="error">{formError}</Alert>}
                  <FormField id="tenant" label="Tenant" error={errors.tenant}>
                    <Input autoComplete="organization" autoCapitalize="none" spellCheck={false} {...form.register("tenant")} />
                  </FormField>
                  <FormField id="email" label="Email" error={errors.email}>
                    <Input type="email" autoComplete="username" autoFocus {...form.register("email")} />
                  </FormField>
                  <FormField id="password" label="Password" error={errors.password}>
                    <Input type="password" autoComplete="current-password" {...form.register("password")} />
                  </FormField>
                  <Button type="submit" disabled={isSubmitting} className="w-full">
                    {isSubmitting ? "Signing in…" : "Sign in"}
                  </Button>
                  <Link
                    to="/forgot-password"
                    className="text-center text-sm text-muted-foreground underline-offset-4 hover:text-foreground hover:underline"
                  >
                    Forgot password?
                  </Link>
                </form>
              </CardContent>
            </>
          )}
        </Card>
      </main>
    </div>
  );
}
