/** The columns of the applications CSV import and export, in the API's order. */
export const APPLICATION_CSV_COLUMNS = [
  "name",
  "description",
  "tier",
  "status",
  "lifecycle_stage",
  "criticality",
  "business_unit",
  "owner_email",
  "owner_group",
  "support_group",
  "tags",
] as const;
