/**
 * The identity module's pages: the routes it adds to the signed-in layout and the public ones
 * (sign-in and password reset are in `App.tsx`, which keeps the sign-in page out of lazy
 * chunks). Pages load on demand. A module's routes file is the one place its pages are named.
 */
import * as React from "react";
import type { RouteObject } from "react-router";
import { Permission } from "@/components/Permission";

const UsersPage = React.lazy(() => import("./UsersPage").then((m) => ({ default: m.UsersPage })));
const UserDetailPage = React.lazy(() => import("./UserDetailPage").then((m) => ({ default: m.UserDetailPage })));
const ProfilePage = React.lazy(() => import("./ProfilePage").then((m) => ({ default: m.ProfilePage })));
const RolesPage = React.lazy(() => import("./RolesPage").then((m) => ({ default: m.RolesPage })));
const AuditPage = React.lazy(() => import("./AuditPage").then((m) => ({ default: m.AuditPage })));
const ApiKeysPage = React.lazy(() => import("./ApiKeysPage").then((m) => ({ default: m.ApiKeysPage })));
const GroupsPage = React.lazy(() => import("./GroupsPage").then((m) => ({ default: m.GroupsPage })));

/** Routes inside the signed-in layout. */
export const identityRoutes: RouteObject[] = [
  { path: "users", element: <Permission permission="users:read"><UsersPage /></Permission> },
  { path: "users/:id", element: <UserDetailPage /> },
  { path: "profile", element: <ProfilePage /> },
  { path: "admin/roles", element: <Permission permission="roles:read"><RolesPage /></Permission> },
  // The groups page with the picked group in the URL (`/admin/groups/:id`), or none.
  { path: "admin/groups/:id?", element: <Permission permission="groups:read"><GroupsPage /></Permission> },
  { path: "admin/api-keys", element: <Permission permission="api_keys:read"><ApiKeysPage /></Permission> },
  { path: "admin/audit", element: <Permission permission="audit_logs:read"><AuditPage /></Permission> },
];
