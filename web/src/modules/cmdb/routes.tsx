/**
 * The CMDB's pages: the configuration items list, each item's page (relationships, graph,
 * impact) and the classes. Pages load on demand; the graph library loads with the graph.
 */
import * as React from "react";
import type { RouteObject } from "react-router";
import { Permission } from "@/components/Permission";

const CisPage = React.lazy(() => import("./CisPage").then((m) => ({ default: m.CisPage })));
const CiDetailPage = React.lazy(() => import("./CiDetailPage").then((m) => ({ default: m.CiDetailPage })));
const ClassesPage = React.lazy(() => import("./ClassesPage").then((m) => ({ default: m.ClassesPage })));

/** Routes inside the signed-in layout. */
export const cmdbRoutes: RouteObject[] = [
  { path: "cmdb", element: <Permission permission="cmdb:read"><CisPage /></Permission> },
  { path: "cmdb/cis/:id", element: <Permission permission="cmdb:read"><CiDetailPage /></Permission> },
  { path: "cmdb/classes", element: <Permission permission="cmdb:read"><ClassesPage /></Permission> },
];
