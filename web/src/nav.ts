/**
 * The pages the navigation and the command palette offer: only pages that exist, and only
 * those the signed-in user may open.
 */
import { AppWindow, Boxes, History, Home, KeyRound, Layers, Network, Plus, ShieldCheck, UserRound, Users, type LucideIcon } from "lucide-react";

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
  { to: "/applications", label: "Applications", icon: AppWindow, permission: "applications:read", keywords: "services systems registry cmdb environments" },
  { to: "/services", label: "Services", icon: Layers, permission: "services:read", keywords: "business portfolio catalog cost rollup hierarchy" },
  { to: "/cmdb", label: "CMDB", icon: Boxes, permission: "cmdb:read", keywords: "configuration items ci servers databases relationships impact graph" },
  { to: "/admin/roles", label: "Roles", icon: ShieldCheck, permission: "roles:read", keywords: "permissions access rbac administration" },
  { to: "/admin/groups", label: "Groups", icon: Network, permission: "groups:read", keywords: "teams departments members" },
  { to: "/admin/api-keys", label: "API keys", icon: KeyRound, permission: "api_keys:read", keywords: "tokens integrations automation" },
  { to: "/admin/audit", label: "Audit log", icon: History, permission: "audit_logs:read", keywords: "history changes events security" },
  { to: "/profile", label: "My profile", icon: UserRound, keywords: "account password sessions mfa two-step me" },
];

/**
 * The "new …" commands the palette runs: each opens its page's create form (the page opens
 * it on `?new=1`). A module adds its own ("New issue") here.
 */
export const CREATE_ITEMS: readonly NavItem[] = [
  { to: "/users?new=1", label: "New user", icon: Plus, permission: "users:create", keywords: "create add invite person" },
  { to: "/applications?new=1", label: "New application", icon: Plus, permission: "applications:create", keywords: "create add service system" },
  { to: "/services?new=1", label: "New service", icon: Plus, permission: "services:create", keywords: "create add business portfolio" },
  { to: "/cmdb?new=1", label: "New configuration item", icon: Plus, permission: "cmdb:create", keywords: "create add ci server database cmdb" },
  { to: "/admin/groups?new=1", label: "New group", icon: Plus, permission: "groups:create", keywords: "create add team" },
  { to: "/admin/roles?new=1", label: "New role", icon: Plus, permission: "roles:admin", keywords: "create add permissions" },
  { to: "/admin/api-keys?new=1", label: "New API key", icon: Plus, permission: "api_keys:create", keywords: "create add token" },
];

export function visibleCreate(can: (permission: string) => boolean): NavItem[] {
  return CREATE_ITEMS.filter((i) => !i.permission || can(i.permission));
}

export function visibleNav(can: (permission: string) => boolean): NavItem[] {
  return NAV_ITEMS.filter((i) => !i.permission || can(i.permission));
}
