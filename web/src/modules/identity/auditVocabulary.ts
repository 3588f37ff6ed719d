/**
 * What the audit log's filters offer: the kinds of entity and the actions the server records
 * (every event of `core/src/events.rs` but `email.requested`, which is no change, plus the
 * audit-only actions written with `Change::audit`). A new module adds its own here.
 */

export const ENTITY_TYPES = [
  { value: "user", label: "User" },
  { value: "group", label: "Group" },
  { value: "role", label: "Role" },
  { value: "api_key", label: "API key" },
  { value: "session", label: "Session" },
  { value: "tenant", label: "Tenant" },
] as const;

export const ACTIONS: Record<(typeof ENTITY_TYPES)[number]["value"], readonly string[]> = {
  user: [
    "user.created",
    "user.updated",
    "user.invited",
    "user.deactivated",
    "user.reactivated",
    "user.roles_changed",
    "user.notification_preferences_changed",
    "auth.login",
    "auth.login_failed",
    "auth.login_locked",
    "auth.lockout",
    "auth.unlocked",
    "auth.password_changed",
    "auth.password_check_failed",
    "auth.password_check_locked",
    "auth.password_reset_requested",
    "auth.password_reset",
    "auth.mfa_enabled",
    "auth.mfa_disabled",
    "auth.mfa_reset",
    "auth.mfa_recovery_code_used",
  ],
  group: [
    "group.created",
    "group.updated",
    "group.deleted",
    "group.member_added",
    "group.member_removed",
    "group.roles_changed",
  ],
  role: ["role.created", "role.updated", "role.deleted"],
  api_key: ["api_key.created", "api_key.revoked"],
  session: ["session.started", "session.revoked", "auth.logout", "auth.refresh_token_reused"],
  tenant: ["tenant.created", "tenant.suspended", "tenant.resumed", "tenant.imported", "tenant.exported", "tenant.deleted"],
};

/** The label of an entity type; the raw value for one this list does not know. */
export function entityTypeLabel(type: string): string {
  return ENTITY_TYPES.find((t) => t.value === type)?.label ?? type;
}

/** The actions to offer: those of one entity type, or all of them. */
export function actionsFor(entityType: string | undefined): readonly string[] {
  if (entityType && entityType in ACTIONS) return ACTIONS[entityType as keyof typeof ACTIONS];
  return Object.values(ACTIONS).flat();
}
