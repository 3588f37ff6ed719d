import { zodResolver } from "@hookform/resolvers/zod";
import * as React from "react";
import { useForm } from "react-hook-form";
import { ApiError, errorMessage } from "@/api/problem";
import { applyFieldErrors } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useDialogGuard } from "@/lib/useUnsavedChanges";
import { useCreateService, type Service } from "./api";
import { bodyOf, emptyService, SERVICE_FIELDS, ServiceFields, serviceSchema, type ServiceRef, type ServiceValues } from "./ServiceFields";

const NONE: ReadonlySet<string> = new Set();

/** Creates a service, under `parent` to begin with when one is given ("Add child service"). */
export function NewServiceDialog({
  parent,
  onClose,
  onCreated,
}: {
  parent?: ServiceRef;
  onClose: () => void;
  onCreated: (s: Service) => void;
}) {
  const create = useCreateService();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<ServiceValues>({ resolver: zodResolver(serviceSchema), defaultValues: emptyService(parent ?? null) });
  const { isSubmitting, isDirty } = form.formState;
  const guard = useDialogGuard(isDirty, onClose);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      const { owner_id, ...rest } = bodyOf(v);
      // No owner chosen: the API makes the caller the owner.
      const s = await create.mutateAsync(owner_id ? { ...rest, owner_id } : rest);
      toast.success(`${s.number} ${s.name} is created`);
      onCreated(s);
    } catch (e) {
      const rest = applyFieldErrors(e, SERVICE_FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  return (
    <Dialog open onOpenChange={guard.onOpenChange}>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>New service</DialogTitle>
          <DialogDescription>
            {parent
              ? `A service under ${parent.number} ${parent.name}.`
              : "A service the organisation offers or runs; it sits under a parent service or at the top."}
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New service" id="new-service-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <ServiceFields form={form} idPrefix="new-service" excluded={NONE} creating />
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="new-service-form" disabled={isSubmitting}>
            {isSubmitting ? "Creating…" : "Create service"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
