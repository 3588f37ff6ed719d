/**
 * The pages the navigation and the command palette offer: only pages that exist, and only
 * those the signed-in user may open.
 */
import { Home, Users, type LucideIcon } from "lucide-react";

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
];

export function visibleNav(can: (permission: string) => boolean): NavItem[] {
  return NAV_ITEMS.filter((i) => !i.permission || can(i.permission));
}
