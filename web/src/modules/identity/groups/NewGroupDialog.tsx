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
import { useCreateGroup, type Group } from "./api";
import { GROUP_FIELDS, GroupFields, groupSchema, valuesOf, type GroupValues } from "./GroupFields";

const NONE: ReadonlySet<string> = new Set();

/** Creates a group, under `parentId` to begin with when one is given. */
export function NewGroupDialog({
  byId,
  parentId,
  onClose,
  onCreated,
}: {
  byId: ReadonlyMap<string, Group>;
  parentId?: string;
  onClose: () => void;
  onCreated: (g: Group) => void;
}) {
  const create = useCreateGroup();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<GroupValues>({ resolver: zodResolver(groupSchema), defaultValues: valuesOf(null, parentId) });
  const { isSubmitting, isDirty } = form.formState;
  const guard = useDialogGuard(isDirty, onClose);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    try {
      const g = await create.mutateAsync({
        name: v.name,
        type: v.type,
        parent_id: v.parent_id || null,
        email: v.email || null,
        description: v.description.trim() || null,
      });
      toast.success(`Created ${g.name}`);
      onCreated(g);
    } catch (e) {
      const rest = applyFieldErrors(e, GROUP_FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  return (
    <Dialog open onOpenChange={guard.onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New group</DialogTitle>
          <DialogDescription>A team, department or distribution list; it sits under a parent group or at the top.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="New group">
          {formError && <Alert variant="error">{formError}</Alert>}
          <GroupFields form={form} idPrefix="new-group" byId={byId} excluded={NONE} />
          <DialogFooter>
            <Button variant="outline" onClick={guard.requestClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? "Creating…" : "Create group"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
