/**
 * The applications module's pages: the application registry's list and each application's page
 * with its environments. Pages load on demand.
 */
import * as React from "react";
import type { RouteObject } from "react-router";
import { Permission } from "@/components/Permission";

const ApplicationsPage = React.lazy(() => import("./ApplicationsPage").then((m) => ({ default: m.ApplicationsPage })));
const ApplicationDetailPage = React.lazy(() =>
  import("./ApplicationDetailPage").then((m) => ({ default: m.ApplicationDetailPage })),
);

/** Routes inside the signed-in layout. */
export const applicationRoutes: RouteObject[] = [
  { path: "applications", element: <Permission permission="applications:read"><ApplicationsPage /></Permission> },
  { path: "applications/:id", element: <Permission permission="applications:read"><ApplicationDetailPage /></Permission> },
];
