/**
 * An audit entry as a sentence for people: "Ada signed in", "Ada created API key deploy-bot",
 * "Ada added a member to group Platform". Unknown actions read from their words, so a module's
 * new event reads sensibly before it gets a phrase of its own here.
 */

/** Entity types as people name them. */
const ENTITY: Record<string, string> = {
  api_key: "API key",
  user: "user",
  group: "group",
  role: "role",
  tenant: "tenant",
  session: "session",
};

/** The verb for the part after the dot; `{entity}` is replaced by the entity's words. */
const PHRASES: Record<string, string> = {
  "auth.login": "signed in",
  "auth.logout": "signed out",
  "auth.login_failed": "failed to sign in",
  "auth.login_locked": "was refused sign-in (locked)",
  "auth.lockout": "was locked out",
  "auth.unlocked": "unlocked {entity}",
  "auth.mfa_enabled": "turned on two-step sign-in",
  "auth.mfa_disabled": "turned off two-step sign-in",
  "auth.mfa_reset": "reset two-step sign-in of {entity}",
  "auth.mfa_recovery_code_used": "signed in with a recovery code",
  "auth.password_changed": "changed the password of {entity}",
  "auth.password_reset": "reset a password",
  "auth.password_reset_requested": "asked for a password reset",
  "auth.refresh_token_reused": "reused an old session token (session ended)",
  "session.started": "started a session",
  "session.revoked": "ended a session",
  "group.member_added": "added a member to {entity}",
  "group.member_removed": "removed a member from {entity}",
  "group.member_updated": "changed a member's role in {entity}",
  "group.roles_changed": "changed the roles of {entity}",
  "user.roles_changed": "changed the roles of {entity}",
  "user.notification_preferences_changed": "changed the notification settings of {entity}",
};

export function entityWords(entityType: string): string {
  return ENTITY[entityType] ?? entityType.replace(/_/g, " ");
}

/** The verb phrase of `action` about `entity` ("created API key deploy-bot"). */
export function describeAction(action: string, entityType: string, entityName?: string | null): string {
  const entity = [entityWords(entityType), entityName].filter(Boolean).join(" ");
  const phrase = PHRASES[action];
  if (phrase) return phrase.replace("{entity}", entity);
  const verb = (action.split(".").pop() ?? action).replace(/_/g, " ");
  return `${verb} ${entity}`;
}
