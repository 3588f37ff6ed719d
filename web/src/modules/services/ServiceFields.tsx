/**
 * The fields of a service, shared by the New service dialog and the panel's edit form: one
 * schema, one set of inputs, one way to turn them into a request. The parent picker leaves
 * out the service itself and everything below it; the total cost is derived as one types.
 */
import { Controller, useWatch, type UseFormReturn } from "react-hook-form";
import { z } from "zod";
import { FormField } from "@/components/FormField";
import { SearchPicker } from "@/components/SearchPicker";
import { Input, Select } from "@/components/ui/input";
import { SERVICE_STATUSES, SERVICE_TYPES, searchServices, searchUsers, serviceKeys, type Service, type UserRef } from "./api";
import { formatCents, parseAmount, toCents } from "./serviceTree";

const ref = z.object({ id: z.string(), name: z.string() }).nullable();
const parentRef = z.object({ id: z.string(), number: z.string(), name: z.string() }).nullable();
const amount = (max?: number, optional?: boolean) =>
  z.string().superRefine((v, ctx) => {
    const r = parseAmount(v, { max, optional });
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.message });
  });

export const serviceSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(200, "Use at most 200 characters."),
  description: z.string(),
  domain: z.string().trim().max(100, "Use at most 100 characters."),
  type: z.enum(["business", "technical", "application", "infrastructure"]),
  status: z.enum(["design", "active", "deprecated", "retired"]),
  // Named like the API's fields, so its errors land on them.
  parent_service_id: parentRef,
  owner_id: ref,
  manager_id: ref,
  sla_target: amount(100, true),
  cost_people: amount(),
  cost_process: amount(),
  cost_technology: amount(),
});
export type ServiceValues = z.infer<typeof serviceSchema>;
export const SERVICE_FIELDS = [
  "name",
  "description",
  "domain",
  "type",
  "status",
  "parent_service_id",
  "owner_id",
  "manager_id",
  "sla_target",
  "cost_people",
  "cost_process",
  "cost_technology",
] as const;

/** A service as a picker shows it. */
export type ServiceRef = { id: string; number: string; name: string } | null;
export const serviceRef = (s: Pick<Service, "id" | "number" | "name">): NonNullable<ServiceRef> => ({
  id: s.id,
  number: s.number,
  name: s.name,
});

const money = (n: number) => (n === 0 ? "" : n.toFixed(2));

export function emptyService(parent: ServiceRef = null): ServiceValues {
  return {
    name: "",
    description: "",
    domain: "",
    type: "business",
    status: "design",
    parent_service_id: parent,
    owner_id: null,
    manager_id: null,
    sla_target: "",
    cost_people: "",
    cost_process: "",
    cost_technology: "",
  };
}

export function valuesOf(s: Service, refs: { parent: ServiceRef; owner: UserRef; manager: UserRef }): ServiceValues {
  return {
    name: s.name,
    description: s.description ?? "",
    domain: s.domain ?? "",
    type: s.type,
    status: s.status,
    parent_service_id: refs.parent,
    owner_id: refs.owner,
    manager_id: refs.manager,
    sla_target: s.sla_target == null ? "" : String(s.sla_target),
    cost_people: money(s.cost_people),
    cost_process: money(s.cost_process),
    cost_technology: money(s.cost_technology),
  };
}

const value = (text: string, optional = false) => {
  const r = parseAmount(text, { optional });
  return r.ok ? r.value : null;
};

/** The request body's fields (without `version`); empty optional fields are `null`. */
export function bodyOf(v: ServiceValues) {
  return {
    name: v.name.trim(),
    description: v.description.trim() || null,
    domain: v.domain.trim() || null,
    type: v.type,
    status: v.status,
    parent_service_id: v.parent_service_id?.id ?? null,
    owner_id: v.owner_id?.id ?? null,
    manager_id: v.manager_id?.id ?? null,
    sla_target: value(v.sla_target, true),
    cost_people: value(v.cost_people) ?? 0,
    cost_process: value(v.cost_process) ?? 0,
    cost_technology: value(v.cost_technology) ?? 0,
  };
}

/** The three costs' sum in cents, or `null` while one of them is not a valid amount. */
export function totalOf(costs: readonly string[]): number | null {
  let cents = 0;
  for (const c of costs) {
    const r = parseAmount(c);
    if (!r.ok) return null;
    cents += toCents(r.value ?? 0);
  }
  return cents;
}

type User = { id: string; name: string; email: string; status?: string };

function UserPicker({
  form,
  name,
  id,
  label,
  clearLabel,
  hint,
}: {
  form: UseFormReturn<ServiceValues>;
  name: "owner_id" | "manager_id";
  id: string;
  label: string;
  clearLabel?: string;
  hint?: string;
}) {
  return (
    <Controller
      control={form.control}
      name={name}
      render={({ field, fieldState }) => (
        <SearchPicker<User>
          id={id}
          label={label}
          queryKey={["users", "pick"]}
          search={searchUsers}
          itemKey={(u) => u.id}
          itemText={(u) => u.name}
          renderItem={(u) => (
            <span className="flex min-w-0 flex-col">
              <span className="truncate">{u.name}</span>
              <span className="truncate text-xs text-muted-foreground">{u.email}</span>
            </span>
          )}
          value={field.value ? { id: field.value.id, name: field.value.name, email: "" } : null}
          onChange={(u) => field.onChange(u ? { id: u.id, name: u.name } : null)}
          exclude={(u) => u.status === "inactive"}
          placeholder={clearLabel ? undefined : "Name or email"}
          clearLabel={clearLabel}
          hint={hint}
          error={fieldState.error?.message}
        />
      )}
    />
  );
}

export function ServiceFields({
  form,
  idPrefix,
  excluded,
  creating,
}: {
  form: UseFormReturn<ServiceValues>;
  idPrefix: string;
  /** Services that may not be the parent: the service itself and its descendants. */
  excluded: ReadonlySet<string>;
  creating?: boolean;
}) {
  const { errors } = form.formState;
  const id = (f: string) => `${idPrefix}-${f}`;
  const costs = useWatch({ control: form.control, name: ["cost_people", "cost_process", "cost_technology"] });
  const total = totalOf(costs);
  return (
    <>
      <FormField id={id("name")} label="Name" error={errors.name}>
        <Input autoComplete="off" {...form.register("name")} />
      </FormField>
      <FormField id={id("description")} label="Description (optional)" error={errors.description}>
        <Input autoComplete="off" {...form.register("description")} />
      </FormField>
      <div className="grid grid-cols-2 items-start gap-4">
        <FormField id={id("type")} label="Type" error={errors.type}>
          <Select {...form.register("type")}>
            {SERVICE_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField id={id("status")} label="Status" error={errors.status}>
          <Select {...form.register("status")}>
            {SERVICE_STATUSES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <Controller
          control={form.control}
          name="parent_service_id"
          render={({ field, fieldState }) => (
            <SearchPicker<Pick<Service, "id" | "number" | "name">>
              id={id("parent")}
              label="Parent service"
              queryKey={serviceKeys.pick}
              search={searchServices}
              itemKey={(s) => s.id}
              itemText={(s) => `${s.number} ${s.name}`}
              value={field.value}
              onChange={(s) => field.onChange(s ? serviceRef(s) : null)}
              exclude={(s) => excluded.has(s.id)}
              clearLabel="None (top level)"
              hint={excluded.size > 0 ? "Not the service itself or one below it." : undefined}
              error={fieldState.error?.message}
            />
          )}
        />
        <FormField id={id("domain")} label="Domain (optional)" hint="A business area, such as Finance." error={errors.domain}>
          <Input autoComplete="off" {...form.register("domain")} />
        </FormField>
        <UserPicker
          form={form}
          name="owner_id"
          id={id("owner")}
          label="Owner"
          clearLabel={creating ? "You" : undefined}
          hint={creating ? "You, when left empty." : undefined}
        />
        <UserPicker form={form} name="manager_id" id={id("manager")} label="Manager" clearLabel="None" />
        <FormField id={id("sla")} label="SLA target % (optional)" hint="0 to 100, such as 99.9." error={errors.sla_target}>
          <Input inputMode="decimal" autoComplete="off" {...form.register("sla_target")} />
        </FormField>
      </div>
      <fieldset className="grid gap-3 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">Cost</legend>
        <div className="grid grid-cols-3 items-start gap-2 sm:gap-4">
          <FormField id={id("cost-people")} label="People" error={errors.cost_people}>
            <Input inputMode="decimal" autoComplete="off" placeholder="0.00" {...form.register("cost_people")} />
          </FormField>
          <FormField id={id("cost-process")} label="Process" error={errors.cost_process}>
            <Input inputMode="decimal" autoComplete="off" placeholder="0.00" {...form.register("cost_process")} />
          </FormField>
          <FormField id={id("cost-technology")} label="Technology" error={errors.cost_technology}>
            <Input inputMode="decimal" autoComplete="off" placeholder="0.00" {...form.register("cost_technology")} />
          </FormField>
        </div>
        <p className="flex items-baseline justify-between gap-2 border-t pt-2 text-sm">
          <span className="text-muted-foreground">Total</span>
          <output className="font-medium tabular-nums" data-testid="derived-total" aria-live="polite">
            {total === null ? "—" : formatCents(total)}
          </output>
        </p>
      </fieldset>
    </>
  );
}
