/**
 * The pages the navigation and the command palette offer: only pages that exist, and only
 * those the signed-in user may open.
 */
import { History, Home, KeyRound, Network, ShieldCheck, UserRound, Users, type LucideIcon } from "lucide-react";

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  /** The permission the page needs, if any. */
  permission?: string;
  keywords?: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", label: "Home", icon: Home, keywords: "dashboard start account me" },
  { to: "/users", label: "Users", icon: Users, permission: "users:read", keywords: "people accounts administration" },
  { to: "/admin/roles", label: "Roles", icon: ShieldCheck, permission: "roles:read", keywords: "permissions access rbac administration" },
  { to: "/admin/groups", label: "Groups", icon: Network, permission: "groups:read", keywords: "teams departments members" },
  { to: "/admin/api-keys", label: "API keys", icon: KeyRound, permission: "api_keys:read", keywords: "tokens integrations automation" },
  { to: "/admin/audit", label: "Audit log", icon: History, permission: "audit_logs:read", keywords: "history changes events security" },
  { to: "/profile", label: "My profile", icon: UserRound, keywords: "account password sessions mfa two-step me" },
];

export function visibleNav(can: (permission: string) => boolean): NavItem[] {
  return NAV_ITEMS.filter((i) => !i.permission || can(i.permission));
}
