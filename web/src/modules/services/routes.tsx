/**
 * The services module's pages: the service tree with the picked service beside it
 * (`/services/:id`, its own page on a phone). Pages load on demand.
 */
import * as React from "react";
import type { RouteObject } from "react-router";
import { Permission } from "@/components/Permission";

const ServicesPage = React.lazy(() => import("./ServicesPage").then((m) => ({ default: m.ServicesPage })));

/** Routes inside the signed-in layout. */
export const serviceRoutes: RouteObject[] = [
  { path: "services/:id?", element: <Permission permission="services:read"><ServicesPage /></Permission> },
];
