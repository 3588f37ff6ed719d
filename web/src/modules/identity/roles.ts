/** The roles and permissions endpoints as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Role = components["schemas"]["RoleResponse"];
export type CreateRoleRequest = components["schemas"]["CreateRoleRequest"];
export type UpdateRoleRequest = components["schemas"]["UpdateRoleRequest"];
export type Permission = components["schemas"]["PermissionResponse"];

export const roleKeys = {
  all: ["roles"] as const,
  list: ["roles", "list"] as const,
  permissions: ["permissions"] as const,
};

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: roleKeys.list,
    queryFn: () => unwrap(api.GET("/api/v1/roles", { params: { query: { per_page: 100 } } })),
    enabled,
  });
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
