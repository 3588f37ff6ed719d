/** The users endpoints as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components, operations } from "@/api/schema";

export type User = components["schemas"]["UserResponse"];
export type CreateUserRequest = components["schemas"]["CreateUserRequest"];
export type UpdateUserRequest = components["schemas"]["UpdateUserRequest"];
export type UserListQuery = NonNullable<operations["list_users"]["parameters"]["query"]>;

export const userKeys = {
  all: ["users"] as const,
  lists: ["users", "list"] as const,
  one: (id: string) => ["users", "one", id] as const,
};

/** A page of users with their roles, for `useListQuery` (its key: `userKeys.lists`). */
export function fetchUserPage(query: UserListQuery) {
  return unwrap(api.GET("/api/v1/users", { params: { query: { ...query, include: "roles" } } }));
}

export function useUser(id: string) {
  return useQuery({
    queryKey: userKeys.one(id),
    queryFn: () => unwrap(api.GET("/api/v1/users/{id}", { params: { path: { id }, query: { include: "roles" } } })),
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => unwrap(api.POST("/api/v1/users", { body })),
    onSuccess: (user) => {
      qc.setQueryData(userKeys.one(user.id), user);
      return qc.invalidateQueries({ queryKey: ["users", "list"] });
    },
  });
}

export function useUpdateUser(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateUserRequest) => unwrap(api.PUT("/api/v1/users/{id}", { params: { path: { id } }, body })),
    onSuccess: (user) => {
      qc.setQueryData(userKeys.one(id), user);
      // The signed-in user's own name shows in the header.
      void qc.invalidateQueries({ queryKey: ["auth", "me"] });
      return qc.invalidateQueries({ queryKey: ["users", "list"] });
    },
  });
}

export function useDeactivateUser(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/users/{id}", { params: { path: { id } } })),
    onSuccess: (user) => {
      qc.setQueryData(userKeys.one(id), user);
      return qc.invalidateQueries({ queryKey: ["users", "list"] });
    },
  });
}
