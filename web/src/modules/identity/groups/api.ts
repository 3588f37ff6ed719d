/** The groups endpoints as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";

export type Group = components["schemas"]["GroupResponse"];
export type GroupType = components["schemas"]["GroupType"];
export type GroupMember = components["schemas"]["GroupMemberResponse"];
export type MemberRole = components["schemas"]["MemberRole"];
export type UpdateGroupRequest = components["schemas"]["UpdateGroupRequest"];

export const GROUP_TYPES: { value: GroupType; label: string }[] = [
  { value: "team", label: "Team" },
  { value: "department", label: "Department" },
  { value: "distribution", label: "Distribution list" },
];

export const groupKeys = {
  all: ["groups"] as const,
  tree: ["groups", "all"] as const,
  pick: ["groups", "pick"] as const,
  one: (id: string) => ["groups", "one", id] as const,
  members: (id: string) => ["groups", "members", id] as const,
};

/** Every group of the tenant, every page of them: the tree must show them all. */
export function useAllGroups() {
  return useQuery({
    queryKey: groupKeys.tree,
    queryFn: () =>
      fetchAllPages(
        (page) => unwrap(api.GET("/api/v1/groups", { params: { query: { per_page: MAX_PER_PAGE, page } } })),
        (g) => g.id,
      ),
  });
}

/** The groups whose name matches `q`, one page, for a picker. */
export function searchGroups(q: string) {
  return unwrap(api.GET("/api/v1/groups", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

/** The users whose name or email matches `q`, one page, for a picker. */
export function searchUsers(q: string) {
  return unwrap(api.GET("/api/v1/users", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

/** One group with the roles it holds. */
export function useGroup(id: string) {
  return useQuery({
    queryKey: groupKeys.one(id),
    queryFn: () => unwrap(api.GET("/api/v1/groups/{id}", { params: { path: { id }, query: { include: "roles" } } })),
  });
}

/** Every member of a group, every page of them. */
export function useGroupMembers(id: string) {
  return useQuery({
    queryKey: groupKeys.members(id),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(
            api.GET("/api/v1/groups/{id}/members", { params: { path: { id }, query: { per_page: MAX_PER_PAGE, page } } }),
          ),
        (m) => m.user_id,
      ),
  });
}

export function useCreateGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["CreateGroupRequest"]) => unwrap(api.POST("/api/v1/groups", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: groupKeys.all }),
  });
}

export function useUpdateGroup(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateGroupRequest) => unwrap(api.PUT("/api/v1/groups/{id}", { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: groupKeys.all }),
  });
}

export function useDeleteGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/groups/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: groupKeys.all }),
  });
}

export function useSetGroupRoles(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (roles: string[]) =>
      unwrap(api.PUT("/api/v1/groups/{id}/roles", { params: { path: { id } }, body: { roles } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: groupKeys.one(id) }),
  });
}

/** Adding, removing and re-roling members of one group; each refreshes its member list. */
export function useMemberActions(groupId: string) {
  const qc = useQueryClient();
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: groupKeys.members(groupId) }),
      // A user's page lists their groups.
      qc.invalidateQueries({ queryKey: ["users"] }),
    ]);
  const add = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: MemberRole }) =>
      unwrap(
        api.POST("/api/v1/groups/{id}/members", { params: { path: { id: groupId } }, body: { user_id: userId, role } }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE("/api/v1/groups/{id}/members/{userId}", { params: { path: { id: groupId, userId } } })),
    onSettled: refresh,
  });
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: MemberRole }) =>
      unwrap(
        api.PUT("/api/v1/groups/{id}/members/{userId}", { params: { path: { id: groupId, userId } }, body: { role } }),
      ),
    onSettled: refresh,
  });
  return { add, remove, setRole };
}
