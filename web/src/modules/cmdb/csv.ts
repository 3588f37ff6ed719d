/** The columns of the CI CSV import and export, in the API's order (attributes add `attr.<key>` columns). */
export const CI_CSV_COLUMNS = [
  "name",
  "description",
  "ci_class",
  "status",
  "environment",
  "application",
  "service",
  "owner_email",
  "managed_by_email",
  "discovered_by",
  "relationships",
] as const;
