/**
 * The fields of an application, shared by the create dialog and the details form: one schema,
 * one set of inputs, one way to turn them into a request.
 */
import { Controller, type UseFormReturn } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { FormField } from "@/components/FormField";
import { SearchPicker } from "@/components/SearchPicker";
import { Input, Select } from "@/components/ui/input";
import { CRITICALITIES, LIFECYCLE_STAGES, STATUSES, TIERS, type Application, type Criticality } from "./api";

const groupRef = z.object({ id: z.string(), name: z.string() }).nullable();
export type GroupRef = z.infer<typeof groupRef>;

export const applicationSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(255),
  description: z.string(),
  tier: z.enum(["P1", "P2", "P3", "P4"]),
  lifecycle_stage: z.enum(["development", "staging", "production", "sunset"]),
  criticality: z.string(),
  status: z.enum(["active", "inactive", "deprecated"]),
  // Named like the API's fields, so its errors land on them.
  owner_group_id: groupRef,
  support_group_id: groupRef,
  business_unit: z.string().trim().max(255),
  tags: z.string(),
});
export type ApplicationValues = z.infer<typeof applicationSchema>;
export const APPLICATION_FIELDS = [
  "name",
  "description",
  "tier",
  "lifecycle_stage",
  "criticality",
  "status",
  "owner_group_id",
  "support_group_id",
  "business_unit",
  "tags",
] as const;

export const EMPTY_APPLICATION: ApplicationValues = {
  name: "",
  description: "",
  tier: "P3",
  lifecycle_stage: "production",
  criticality: "",
  status: "active",
  owner_group_id: null,
  support_group_id: null,
  business_unit: "",
  tags: "",
};

/** "a, b ,, c" → ["a", "b", "c"]. */
export function parseTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

export function valuesOf(app: Application, owner: GroupRef, support: GroupRef): ApplicationValues {
  return {
    name: app.name,
    description: app.description ?? "",
    tier: app.tier,
    lifecycle_stage: app.lifecycle_stage,
    criticality: app.criticality ?? "",
    status: app.status,
    owner_group_id: owner,
    support_group_id: support,
    business_unit: app.business_unit ?? "",
    tags: (app.tags ?? []).join(", "),
  };
}

/** The request body's fields (without `version`); empty optional fields are `null`. */
export function bodyOf(v: ApplicationValues) {
  return {
    name: v.name.trim(),
    description: v.description.trim() || null,
    tier: v.tier,
    lifecycle_stage: v.lifecycle_stage,
    criticality: (v.criticality || null) as Criticality | null,
    status: v.status,
    owner_group_id: v.owner_group_id?.id ?? null,
    support_group_id: v.support_group_id?.id ?? null,
    business_unit: v.business_unit.trim() || null,
    tags: parseTags(v.tags),
  };
}

function searchGroups(q: string) {
  return unwrap(api.GET("/api/v1/groups", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

export function ApplicationFields({
  form,
  idPrefix,
  withStatus,
}: {
  form: UseFormReturn<ApplicationValues>;
  idPrefix: string;
  withStatus?: boolean;
}) {
  const { errors } = form.formState;
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <>
      <FormField id={id("name")} label="Name" error={errors.name}>
        <Input autoComplete="off" {...form.register("name")} />
      </FormField>
      <FormField id={id("description")} label="Description (optional)" error={errors.description}>
        <Input autoComplete="off" {...form.register("description")} />
      </FormField>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <FormField id={id("tier")} label="Tier" error={errors.tier} hint="P1 is the most critical, P4 the least.">
          <Select {...form.register("tier")}>
            {TIERS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField id={id("criticality")} label="Criticality" error={errors.criticality}>
          <Select {...form.register("criticality")}>
            <option value="">Not set</option>
            {CRITICALITIES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField id={id("lifecycle_stage")} label="Lifecycle stage" error={errors.lifecycle_stage}>
          <Select {...form.register("lifecycle_stage")}>
            {LIFECYCLE_STAGES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </Select>
        </FormField>
        {withStatus && (
          <FormField id={id("status")} label="Status" error={errors.status}>
            <Select {...form.register("status")}>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </FormField>
        )}
        <Controller
          control={form.control}
          name="owner_group_id"
          render={({ field, fieldState }) => (
            <SearchPicker
              id={id("owner-group")}
              label="Owner group"
              queryKey={["groups", "pick"]}
              search={searchGroups}
              itemKey={(g) => g.id}
              itemText={(g) => g.name}
              value={field.value}
              onChange={(g) => field.onChange(g ? { id: g.id, name: g.name } : null)}
              clearLabel="No owner group"
              error={fieldState.error?.message}
            />
          )}
        />
        <Controller
          control={form.control}
          name="support_group_id"
          render={({ field, fieldState }) => (
            <SearchPicker
              id={id("support-group")}
              label="Support group"
              queryKey={["groups", "pick"]}
              search={searchGroups}
              itemKey={(g) => g.id}
              itemText={(g) => g.name}
              value={field.value}
              onChange={(g) => field.onChange(g ? { id: g.id, name: g.name } : null)}
              clearLabel="No support group"
              error={fieldState.error?.message}
            />
          )}
        />
        <FormField id={id("business_unit")} label="Business unit (optional)" error={errors.business_unit}>
          <Input autoComplete="off" {...form.register("business_unit")} />
        </FormField>
        <FormField id={id("tags")} label="Tags (optional)" error={errors.tags} hint="Separate tags with commas.">
          <Input autoComplete="off" {...form.register("tags")} />
        </FormField>
      </div>
    </>
  );
}
