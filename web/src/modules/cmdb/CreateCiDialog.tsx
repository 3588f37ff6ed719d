import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { useForm, type FieldPath } from "react-hook-form";
import { useNavigate } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useDialogGuard } from "@/lib/useUnsavedChanges";
import { useCiClasses, useCreateCi } from "./api";
import { ciBodyOf, CiFields, ciFieldNames, ciSchema, classFields, EMPTY_CI, type AppRef, type CiValues } from "./CiFields";
import { attributeField } from "./schemaForm";

export function CreateCiDialog({
  open,
  onOpenChange,
  application,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  /** The application the new CI belongs to, chosen beforehand (from an application's page). */
  application?: AppRef;
}) {
  const create = useCreateCi();
  const classes = useCiClasses();
  const navigate = useNavigate();
  const [formError, setFormError] = React.useState<string | null>(null);
  const empty = React.useMemo(() => ({ ...EMPTY_CI, application_id: application ?? null }), [application]);
  const form = useForm<CiValues>({ resolver: zodResolver(ciSchema), defaultValues: empty });
  const { isSubmitting, isDirty } = form.formState;

  const close = React.useCallback(() => {
    form.reset(empty);
    setFormError(null);
    onOpenChange(false);
  }, [form, onOpenChange, empty]);
  const guard = useDialogGuard(isDirty, close);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    const fields = classFields(classes.data, v.ci_class);
    const { body, errors } = ciBodyOf(v, fields);
    const bad = Object.entries(errors);
    if (bad.length > 0) {
      bad.forEach(([key, message], i) =>
        form.setError(attributeField(key) as FieldPath<CiValues>, { type: "client", message }, { shouldFocus: i === 0 }),
      );
      return;
    }
    try {
      const ci = await create.mutateAsync(body);
      close();
      toast.success(`${ci.number} ${ci.name} is created`, {
        action: { label: "Open", onClick: () => void navigate(`/cmdb/cis/${ci.id}`) },
      });
    } catch (e) {
      const rest = applyFieldErrors(e, ciFieldNames(fields), form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>New configuration item</DialogTitle>
          <DialogDescription>A server, database or other part the services run on. Its class decides its attributes.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New configuration item" id="create-ci-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <CiFields form={form} idPrefix="new-ci" />
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="create-ci-form" disabled={isSubmitting}>
            {isSubmitting ? "Creating…" : "Create configuration item"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
