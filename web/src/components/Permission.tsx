import * as React from "react";
import { useAuth } from "@/auth/auth";

const NotFoundPage = React.lazy(() => import("@/pages/NotFoundPage").then((m) => ({ default: m.NotFoundPage })));

/** Shows its page only to users holding `permission`; to others the page does not exist. */
export function Permission({ permission, children }: { permission: string; children: React.ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? children : <NotFoundPage />;
}
