/** The roles and permissions endpoints as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import type { Me } from "@/auth/auth";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";

export type Role = components["schemas"]["RoleResponse"];
export type CreateRoleRequest = components["schemas"]["CreateRoleRequest"];
export type UpdateRoleRequest = components["schemas"]["UpdateRoleRequest"];
export type Permission = components["schemas"]["PermissionResponse"];

export const roleKeys = {
  all: ["roles"] as const,
  list: ["roles", "list"] as const,
  permissions: ["permissions"] as const,
};

/** Every role of the tenant (all pages, so none is cut off). */
export function useRoles(enabled = true) {
  return useQuery({
    queryKey: roleKeys.list,
    queryFn: () =>
      fetchAllPages(
        (page) => unwrap(api.GET("/api/v1/roles", { params: { query: { page, per_page: MAX_PER_PAGE } } })),
        (r) => r.id,
      ),
    enabled,
  });
}

/**
 * The signed-in user's roles as people read them: display names ("Administrator"), never the
 * internal names ("admin"). For the home page, the profile and anywhere else `me` is shown.
 */
export function myRoleNames(me: Pick<Me, "roles" | "user">): string[] {
  return me.user.roles?.map((r) => r.display_name) ?? me.roles;
}

export function usePermissions() {
  return useQuery({
    queryKey: roleKeys.permissions,
    queryFn: () => unwrap(api.GET("/api/v1/permissions")),
    staleTime: 5 * 60_000,
  });
}

export function useSaveRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; body: UpdateRoleRequest } | { id: null; body: CreateRoleRequest }) =>
      v.id === null
        ? unwrap(api.POST("/api/v1/roles", { body: v.body }))
        : unwrap(api.PUT("/api/v1/roles/{id}", { params: { path: { id: v.id } }, body: v.body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: roleKeys.all }),
  });
}

export function useDeleteRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/roles/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: roleKeys.all }),
  });
}

export function useSetUserRoles(userId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (roles: string[]) =>
      unwrap(api.PUT("/api/v1/users/{id}/roles", { params: { path: { id: userId } }, body: { roles } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["users"] }),
  });
}

/**
 * The internal name of a new role, made from its display name ("Change Manager" →
 * "change-manager"), so people only ever choose and see one name. Empty when the display name
 * has no letter or digit to make one from.
 */
export function roleSlug(displayName: string): string {
  return displayName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/g, "");
}
