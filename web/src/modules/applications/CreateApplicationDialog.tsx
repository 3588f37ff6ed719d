import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { useForm } from "react-hook-form";
import { useNavigate } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useDialogGuard } from "@/lib/useUnsavedChanges";
import { useCreateApplication } from "./api";
import {
  APPLICATION_FIELDS,
  ApplicationFields,
  applicationSchema,
  bodyOf,
  EMPTY_APPLICATION,
  type ApplicationValues,
} from "./ApplicationFields";

export function CreateApplicationDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const create = useCreateApplication();
  const navigate = useNavigate();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<ApplicationValues>({ resolver: zodResolver(applicationSchema), defaultValues: EMPTY_APPLICATION });
  const { isSubmitting, isDirty } = form.formState;

  const close = React.useCallback(() => {
    form.reset(EMPTY_APPLICATION);
    setFormError(null);
    onOpenChange(false);
  }, [form, onOpenChange]);
  // Escape, a click outside, the close button and Cancel ask before typed input is thrown away.
  const guard = useDialogGuard(isDirty, close);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      const { status: _status, ...body } = bodyOf(v);
      const app = await create.mutateAsync(body);
      close();
      toast.success(`${app.app_id} ${app.name} is created`, {
        action: { label: "Open", onClick: () => void navigate(`/applications/${app.id}`) },
      });
    } catch (e) {
      const rest = applyFieldErrors(e, APPLICATION_FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) {
        setFormError([errorMessage(e), ...rest].join(" "));
      }
    }
  });

  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>New application</DialogTitle>
          <DialogDescription>A business service the organisation runs. Add its environments from its page.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New application" id="create-application-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <ApplicationFields form={form} idPrefix="new-app" />
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="create-application-form" disabled={isSubmitting}>
            {isSubmitting ? "Creating…" : "Create application"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
