import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { useForm } from "react-hook-form";
import { useNavigate } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { useCreateUser } from "@/modules/identity/users";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/toast";
import { timeZones } from "@/lib/timezones";
import { useDialogGuard } from "@/lib/useUnsavedChanges";

// The API validates too (and its messages land on the same fields); these checks only save
// a round trip for the obvious mistakes.
const schema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(255),
  email: z.string().trim().min(1, "Enter an email.").max(254),
  password: z.string().refine((v) => v === "" || v.length >= 12, "At least 12 characters, or leave empty."),
  timezone: z.string().trim(),
  phone: z.string().trim(),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["name", "email", "password", "timezone", "phone"] as const;
const EMPTY: Values = { name: "", email: "", password: "", timezone: "", phone: "" };

export function CreateUserDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const create = useCreateUser();
  const navigate = useNavigate();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: EMPTY });
  const { errors, isSubmitting, isDirty } = form.formState;
  const zones = React.useMemo(() => (open ? timeZones() : []), [open]);

  const close = React.useCallback(() => {
    form.reset(EMPTY);
    setFormError(null);
    onOpenChange(false);
  }, [form, onOpenChange]);
  // Escape, a click outside, the close button and Cancel ask before typed input is thrown away.
  const guard = useDialogGuard(isDirty, close);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      const user = await create.mutateAsync({
        name: v.name,
        email: v.email,
        ...(v.password ? { password: v.password } : {}),
        ...(v.timezone ? { timezone: v.timezone } : {}),
        ...(v.phone ? { phone: v.phone } : {}),
      });
      close();
      toast.success(`${user.name} is created`, {
        description: user.status === "pending" ? "Pending: invite them or set a password from their page." : undefined,
        action: { label: "Open", onClick: () => void navigate(`/users/${user.id}`) },
      });
    } catch (e) {
      const rest = applyFieldErrors(e, FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setFormError([errorMessage(e), ...rest].join(" "));
      }
    }
  });

  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New user</DialogTitle>
          <DialogDescription>Without a password the user is pending until one is set.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New user" id="create-user-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <FormField id="new-name" label="Name" error={errors.name}>
            <Input autoComplete="off" {...form.register("name")} />
          </FormField>
          <FormField id="new-email" label="Email" error={errors.email}>
            <Input type="email" autoComplete="off" {...form.register("email")} />
          </FormField>
          <FormField id="new-password" label="Initial password (optional)" error={errors.password} hint="12 characters or more.">
            <Input type="password" autoComplete="new-password" {...form.register("password")} />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField id="new-timezone" label="Time zone (optional)" error={errors.timezone} hint="UTC when empty.">
              <Input list="new-timezones" autoComplete="off" {...form.register("timezone")} />
            </FormField>
            <FormField id="new-phone" label="Phone (optional)" error={errors.phone}>
              <Input type="tel" autoComplete="off" {...form.register("phone")} />
            </FormField>
          </div>
          <datalist id="new-timezones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="create-user-form" disabled={isSubmitting}>
            {isSubmitting ? "Creating…" : "Create user"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
