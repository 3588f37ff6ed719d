/**
 * A configuration item's fields, shared by the create dialog and the edit form: the fixed ones
 * and the attribute fields its class's `attribute_schema` asks for.
 */
import { useQuery } from "@tanstack/react-query";
import * as React from "react";
import { Controller, useWatch, type FieldPath, type UseFormReturn } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { FormField } from "@/components/FormField";
import { SearchPicker } from "@/components/SearchPicker";
import { Input, Select } from "@/components/ui/input";
import { CI_ENVIRONMENTS, CI_STATUSES, searchApplications, useCiClasses } from "./api";
import { attributeField, attributesOf, fieldsOf, valuesOf as attributeValuesOf, type AttributeField } from "./schemaForm";
import type { Ci, CiClass, CiWrite } from "./types";

const appRef = z.object({ id: z.string(), name: z.string() }).nullable();
export type AppRef = z.infer<typeof appRef>;

export const ciSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200, "At most 200 characters."),
  description: z.string(),
  ci_class: z.string().min(1, "Choose a class."),
  environment: z.enum(["production", "staging", "development", "test"]),
  status: z.enum(["active", "inactive", "retired", "maintenance"]),
  application_id: appRef,
  attributes: z.record(z.string(), z.union([z.string(), z.boolean()])),
});
export type CiValues = z.infer<typeof ciSchema>;
export const CI_FIELDS = ["name", "description", "ci_class", "environment", "status", "application_id"] as const;

export const EMPTY_CI: CiValues = {
  name: "",
  description: "",
  ci_class: "",
  environment: "production",
  status: "active",
  application_id: null,
  attributes: {},
};

export function classFields(classes: readonly CiClass[] | undefined, name: string): AttributeField[] {
  return fieldsOf(classes?.find((c) => c.name === name)?.attribute_schema ?? null);
}

export function ciValuesOf(ci: Ci, app: AppRef, classes: readonly CiClass[] | undefined): CiValues {
  return {
    name: ci.name,
    description: ci.description ?? "",
    ci_class: ci.ci_class,
    environment: ci.environment,
    status: ci.status,
    application_id: app,
    attributes: attributeValuesOf(classFields(classes, ci.ci_class), ci.attributes ?? {}),
  };
}

/**
 * The request body, or the attribute fields' errors the browser can already see. `keep` holds
 * the CI's attributes the class's schema does not name, sent back unchanged.
 */
export function ciBodyOf(
  v: CiValues,
  fields: readonly AttributeField[],
  keep: Record<string, unknown> = {},
): { body: CiWrite; errors: Record<string, string> } {
  const { attributes, errors } = attributesOf(fields, v.attributes, keep);
  return {
    body: {
      name: v.name.trim(),
      description: v.description.trim() || null,
      ci_class: v.ci_class,
      environment: v.environment,
      status: v.status,
      application_id: v.application_id?.id ?? null,
      attributes,
    },
    errors,
  };
}

/** The form's field names, attributes included, for the API's field errors. */
export function ciFieldNames(fields: readonly AttributeField[]): FieldPath<CiValues>[] {
  return [...CI_FIELDS, ...fields.map((f) => attributeField(f.key) as FieldPath<CiValues>)];
}

/** An application's name by its id, for a CI's application field. */
export function useAppRef(id: string | null | undefined) {
  const query = useQuery({
    queryKey: ["applications", "one", id],
    enabled: !!id,
    retry: false,
    queryFn: () => unwrap(api.GET("/api/v1/applications/{id}", { params: { path: { id: id! } } })),
  });
  const ref: AppRef = id ? { id, name: query.data ? `${query.data.app_id} ${query.data.name}` : query.error ? "Unknown application" : "…" } : null;
  return { ref, ready: !id || !query.isPending, app: query.data };
}

function AttributeInput({ form, field, id }: { form: UseFormReturn<CiValues>; field: AttributeField; id: string }) {
  const name = attributeField(field.key) as FieldPath<CiValues>;
  const error = (form.formState.errors.attributes as Record<string, { message?: string; type?: string }> | undefined)?.[field.key];
  const fieldError = error?.message ? { type: error.type ?? "server", message: error.message } : undefined;
  const label = field.required ? field.label : `${field.label} (optional)`;
  switch (field.kind) {
    case "boolean":
      return (
        <div className="grid gap-1.5">
          <label className="flex items-center gap-2 text-sm font-medium" htmlFor={id}>
            <input id={id} type="checkbox" className="size-4" {...form.register(name)} aria-invalid={fieldError ? true : undefined} />
            {field.label}
          </label>
          {fieldError && <p className="text-xs font-medium text-destructive">{fieldError.message}</p>}
        </div>
      );
    case "enum":
      return (
        <FormField id={id} label={label} error={fieldError} hint={field.hint}>
          <Select {...form.register(name)}>
            <option value="">Not set</option>
            {field.options!.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </Select>
        </FormField>
      );
    case "json":
      return (
        <FormField id={id} label={label} error={fieldError} hint={field.hint}>
          <textarea
            className="min-h-16 w-full rounded-md border border-input bg-background px-3 py-1.5 font-mono text-xs aria-[invalid=true]:border-destructive"
            {...form.register(name)}
          />
        </FormField>
      );
    default:
      return (
        <FormField id={id} label={label} error={fieldError} hint={field.hint}>
          <Input autoComplete="off" inputMode={field.kind === "string" ? undefined : "decimal"} {...form.register(name)} />
        </FormField>
      );
  }
}

export function CiFields({ form, idPrefix, withStatus = true }: { form: UseFormReturn<CiValues>; idPrefix: string; withStatus?: boolean }) {
  const { errors } = form.formState;
  const classes = useCiClasses();
  const ciClass = useWatch({ control: form.control, name: "ci_class" });
  const fields = React.useMemo(() => classFields(classes.data, ciClass), [classes.data, ciClass]);
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <>
      <FormField id={id("name")} label="Name" error={errors.name}>
        <Input autoComplete="off" {...form.register("name")} />
      </FormField>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <FormField id={id("class")} label="Class" error={errors.ci_class} hint={classes.isPending ? "Loading classes…" : undefined}>
          <Select {...form.register("ci_class")}>
            <option value="">Choose a class</option>
            {(classes.data ?? []).map((c) => (
              <option key={c.id} value={c.name}>
                {c.label}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField id={id("environment")} label="Environment" error={errors.environment}>
          <Select {...form.register("environment")}>
            {CI_ENVIRONMENTS.map((e) => (
              <option key={e.value} value={e.value}>
                {e.label}
              </option>
            ))}
          </Select>
        </FormField>
        {withStatus && (
          <FormField id={id("status")} label="Status" error={errors.status}>
            <Select {...form.register("status")}>
              {CI_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </FormField>
        )}
        <Controller
          control={form.control}
          name="application_id"
          render={({ field, fieldState }) => (
            <SearchPicker
              id={id("application")}
              label="Application"
              queryKey={["applications", "pick"]}
              search={searchApplications}
              itemKey={(a) => a.id}
              itemText={(a) => ("app_id" in a ? `${a.app_id} ${a.name}` : a.name)}
              value={field.value}
              onChange={(a) => field.onChange(a ? { id: a.id, name: "app_id" in a ? `${a.app_id} ${a.name}` : a.name } : null)}
              clearLabel="No application"
              error={fieldState.error?.message}
            />
          )}
        />
      </div>
      <FormField id={id("description")} label="Description (optional)" error={errors.description}>
        <Input autoComplete="off" {...form.register("description")} />
      </FormField>
      {fields.length > 0 && (
        <fieldset className="grid gap-3 rounded-md border p-3" data-testid="attribute-fields">
          <legend className="px-1 text-sm font-medium">Attributes of a {classes.data?.find((c) => c.name === ciClass)?.label ?? ciClass}</legend>
          <div className="grid items-start gap-4 sm:grid-cols-2">
            {fields.map((f) => (
              <AttributeInput key={`${ciClass}-${f.key}`} form={form} field={f} id={id(`attr-${f.key}`)} />
            ))}
          </div>
        </fieldset>
      )}
    </>
  );
}
