/**
 * The fields of a group, shared by the New group dialog and the panel's edit form: name,
 * type, parent (a server-searching picker that leaves out the group itself and everything
 * below it), mailbox and description.
 */
import * as React from "react";
import { Controller, type UseFormReturn } from "react-hook-form";
import { z } from "zod";
import { FormField } from "@/components/FormField";
import { SearchPicker } from "@/components/SearchPicker";
import { Input, Select } from "@/components/ui/input";
import { GROUP_TYPES, groupKeys, searchGroups, type Group } from "./api";

export const groupSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(255),
  type: z.enum(["team", "department", "distribution"]),
  parent_id: z.string(),
  email: z.union([z.literal(""), z.email("Enter an email address, or leave it empty.")]),
  description: z.string().max(4000),
});
export type GroupValues = z.infer<typeof groupSchema>;
export const GROUP_FIELDS = ["name", "type", "parent_id", "email", "description"] as const;

export function valuesOf(g: Group | null, parentId = ""): GroupValues {
  return {
    name: g?.name ?? "",
    type: g?.type ?? "team",
    parent_id: g ? (g.parent_id ?? "") : parentId,
    email: g?.email ?? "",
    description: g?.description ?? "",
  };
}

export function GroupFields({
  form,
  idPrefix,
  byId,
  excluded,
}: {
  form: UseFormReturn<GroupValues>;
  idPrefix: string;
  /** Every group, to name the chosen parent. */
  byId: ReadonlyMap<string, Group>;
  /** Groups that may not be the parent. */
  excluded: ReadonlySet<string>;
}) {
  const { errors } = form.formState;
  // A parent found by the search that the page's list does not hold yet (made meanwhile).
  const [picked, setPicked] = React.useState<Group | null>(null);
  const named = (id: string) => byId.get(id) ?? (picked?.id === id ? picked : null);
  return (
    <>
      <FormField id={`${idPrefix}-name`} label="Name" error={errors.name}>
        <Input autoComplete="off" {...form.register("name")} />
      </FormField>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        <FormField id={`${idPrefix}-type`} label="Type" error={errors.type}>
          <Select {...form.register("type")}>
            {GROUP_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </FormField>
        <Controller
          control={form.control}
          name="parent_id"
          render={({ field, fieldState }) => (
            <SearchPicker<Group>
              id={`${idPrefix}-parent`}
              label="Parent group"
              queryKey={groupKeys.pick}
              search={searchGroups}
              itemKey={(g) => g.id}
              itemText={(g) => g.name}
              value={field.value ? named(field.value) : null}
              onChange={(g) => {
                setPicked(g);
                field.onChange(g?.id ?? "");
              }}
              exclude={(g) => excluded.has(g.id)}
              clearLabel="None (top level)"
              error={fieldState.error?.message}
            />
          )}
        />
      </div>
      <FormField id={`${idPrefix}-email`} label="Mailbox" hint="Optional: where notifications to the group go." error={errors.email}>
        <Input type="email" autoComplete="off" {...form.register("email")} />
      </FormField>
      <FormField id={`${idPrefix}-description`} label="Description" error={errors.description}>
        <Input autoComplete="off" {...form.register("description")} />
      </FormField>
    </>
  );
}
