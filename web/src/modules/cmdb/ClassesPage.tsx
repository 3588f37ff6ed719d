/** The CI classes of the tenant: how many items each has, and (with `cmdb:update`) their attribute schemas. */
import { zodResolver } from "@hookform/resolvers/zod";
import { ArrowLeft, Pencil, Plus, Trash2 } from "lucide-react";
import * as React from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import { z } from "zod";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { useConfirm } from "@/components/confirm";
import { applyFieldErrors, FormField } from "@/components/FormField";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { usePageTitle } from "@/lib/usePageTitle";
import { useDialogGuard } from "@/lib/useUnsavedChanges";
import { useCiClasses, useDeleteClass, useSaveClass } from "./api";
import { ClassChip } from "./CisPage";
import { fieldsOf } from "./schemaForm";
import type { CiClass } from "./types";

const schema = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, "Lower-case letters, digits and _, starting with a letter."),
  label: z.string().trim().min(1, "Enter a label.").max(200),
  description: z.string(),
  attribute_schema: z.string().refine((t) => {
    if (!t.trim()) return true;
    try {
      const v: unknown = JSON.parse(t);
      return typeof v === "object" && v !== null && !Array.isArray(v);
    } catch {
      return false;
    }
  }, "Enter a JSON object, or nothing for no schema."),
});
type Values = z.infer<typeof schema>;
const FIELDS = ["name", "label", "description", "attribute_schema"] as const;
const EMPTY: Values = { name: "", label: "", description: "", attribute_schema: "" };

function valuesOf(c: CiClass): Values {
  return {
    name: c.name,
    label: c.label,
    description: c.description ?? "",
    attribute_schema: c.attribute_schema ? JSON.stringify(c.attribute_schema, null, 2) : "",
  };
}

function ClassDialog({ ciClass, open, onOpenChange }: { ciClass: CiClass | null; open: boolean; onOpenChange: (o: boolean) => void }) {
  const save = useSaveClass();
  const [formError, setFormError] = React.useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: ciClass ? valuesOf(ciClass) : EMPTY });
  const { errors, isSubmitting, isDirty } = form.formState;
  const close = React.useCallback(() => {
    setFormError(null);
    onOpenChange(false);
  }, [onOpenChange]);
  const guard = useDialogGuard(isDirty, close);

  const onSubmit = form.handleSubmit(async (v) => {
    setFormError(null);
    const body = {
      name: v.name.trim(),
      label: v.label.trim(),
      description: v.description.trim() || null,
      attribute_schema: v.attribute_schema.trim() ? (JSON.parse(v.attribute_schema) as Record<string, unknown>) : null,
    };
    try {
      const saved = await save.mutateAsync({ id: ciClass?.id, body, version: ciClass?.version });
      toast.success(ciClass ? `Saved ${saved.label}` : `${saved.label} is created`);
      close();
    } catch (e) {
      const rest = applyFieldErrors(e, FIELDS, form.setError);
      if (!(e instanceof ApiError) || !e.hasFieldErrors || rest.length > 0) setFormError([errorMessage(e), ...rest].join(" "));
    }
  });

  const title = ciClass ? `Edit ${ciClass.label}` : "New class";
  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>A kind of configuration item, and the attributes its items carry (a JSON Schema).</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label={title} id="class-form">
          {formError && <Alert variant="error">{formError}</Alert>}
          <div className="grid items-start gap-4 sm:grid-cols-2">
            <FormField id="class-name" label="Name" error={errors.name} hint="Used in CSV files and the API, e.g. web_server.">
              <Input autoComplete="off" {...form.register("name")} />
            </FormField>
            <FormField id="class-label" label="Label" error={errors.label}>
              <Input autoComplete="off" {...form.register("label")} />
            </FormField>
          </div>
          <FormField id="class-description" label="Description (optional)" error={errors.description}>
            <Input autoComplete="off" {...form.register("description")} />
          </FormField>
          <FormField
            id="class-schema"
            label="Attribute schema (optional)"
            error={errors.attribute_schema}
            hint='JSON Schema: type, properties, required, enum, minimum, maximum, minLength, maxLength, pattern, format. E.g. {"type":"object","properties":{"os":{"type":"string"}}}'
          >
            <textarea
              rows={10}
              spellCheck={false}
              className="w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-xs aria-[invalid=true]:border-destructive"
              {...form.register("attribute_schema")}
            />
          </FormField>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button type="submit" form="class-form" disabled={isSubmitting}>
            {isSubmitting ? "Saving…" : ciClass ? "Save class" : "Create class"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

export function ClassesPage() {
  usePageTitle("CI classes");
  const { can } = useAuth();
  const classes = useCiClasses();
  const remove = useDeleteClass();
  const confirm = useConfirm();
  const [editing, setEditing] = React.useState<CiClass | "new" | null>(null);
  const may = can("cmdb:update");

  const del = async (c: CiClass) => {
    const ok = await confirm({ title: `Delete the class ${c.label}?`, body: "Only a class no item uses can be deleted.", action: "Delete", destructive: true });
    if (!ok) return;
    try {
      await remove.mutateAsync(c.id);
      toast.success(`${c.label} is deleted`);
    } catch (e) {
      toast.error(`Could not delete ${c.label}: ${errorMessage(e)}`);
    }
  };

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <Link to="/cmdb" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" aria-hidden="true" /> Configuration items
      </Link>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">CI classes</h1>
          <p className="text-sm text-muted-foreground">The kinds of configuration items, and the attributes each kind carries.</p>
        </div>
        {may && (
          <Button onClick={() => setEditing("new")}>
            <Plus aria-hidden="true" /> New class
          </Button>
        )}
      </div>
      {classes.isPending && <Skeleton className="h-64 w-full" />}
      {classes.error && <Alert variant="error">Could not load the classes: {errorMessage(classes.error)}</Alert>}
      {classes.data && (
        <Card>
          <CardContent className="overflow-x-auto p-0">
            <table className="w-full text-sm" data-testid="classes-table">
              <caption className="sr-only">CI classes</caption>
              <thead className="border-b bg-muted/50 text-left text-xs text-muted-foreground">
                <tr>
                  <th scope="col" className="px-3 py-2">Class</th>
                  <th scope="col" className="hidden px-3 py-2 sm:table-cell">Name</th>
                  <th scope="col" className="hidden px-3 py-2 md:table-cell">Attributes</th>
                  <th scope="col" className="px-3 py-2 text-right">Items</th>
                  {may && (
                    <th scope="col" className="px-3 py-2">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {classes.data.map((c) => (
                  <tr key={c.id} className="border-b last:border-0" data-testid="class-row">
                    <td className="px-3 py-2">
                      <ClassChip name={c.name} label={c.label} />
                      {c.description && <span className="block text-xs text-muted-foreground">{c.description}</span>}
                    </td>
                    <td className="hidden px-3 py-2 font-mono text-xs sm:table-cell">{c.name}</td>
                    <td className="hidden px-3 py-2 text-xs text-muted-foreground md:table-cell">
                      {fieldsOf(c.attribute_schema)
                        .map((f) => f.key)
                        .join(", ") || "—"}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      <Link to={`/cmdb?ci_class=${encodeURIComponent(c.name)}`} className="underline-offset-4 hover:underline">
                        {c.ci_count}
                      </Link>
                    </td>
                    {may && (
                      <td className="px-3 py-2">
                        <div className="flex justify-end gap-1">
                          <Button variant="ghost" size="icon" aria-label={`Edit ${c.label}`} onClick={() => setEditing(c)}>
                            <Pencil aria-hidden="true" />
                          </Button>
                          {can("cmdb:delete") && (
                            <Button variant="ghost" size="icon" aria-label={`Delete ${c.label}`} onClick={() => void del(c)} disabled={c.ci_count > 0}>
                              <Trash2 aria-hidden="true" />
                            </Button>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </CardContent>
        </Card>
      )}
      {editing && (
        <ClassDialog
          key={editing === "new" ? "new" : editing.id}
          ciClass={editing === "new" ? null : editing}
          open
          onOpenChange={(o) => !o && setEditing(null)}
        />
      )}
    </div>
  );
}
