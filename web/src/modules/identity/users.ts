/** The users endpoints as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
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

/**
 * Puts a user the server answered with into the cache. Answers to writes carry no roles (only
 * `include=roles` reads do), so the roles already shown are kept: saving one section of the
 * user page must not make the roles section look changed.
 */
export function storeUser(qc: QueryClient, user: User) {
  qc.setQueryData<User>(userKeys.one(user.id), (old) => ({ ...user, roles: user.roles ?? old?.roles }));
}

/** One user with their roles; nothing is fetched while `id` is empty. */
export function useUser(id: string) {
  return useQuery({
    queryKey: userKeys.one(id),
    enabled: id !== "",
    queryFn: () => unwrap(api.GET("/api/v1/users/{id}", { params: { path: { id }, query: { include: "roles" } } })),
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => unwrap(api.POST("/api/v1/users", { body })),
    onSuccess: (user) => {
      storeUser(qc, user);
      return qc.invalidateQueries({ queryKey: ["users", "list"] });
    },
  });
}

export function useUpdateUser(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateUserRequest) => unwrap(api.PUT("/api/v1/users/{id}", { params: { path: { id } }, body })),
    onSuccess: (user) => {
      storeUser(qc, user);
      // The signed-in user's own name shows in the header.
      void qc.invalidateQueries({ queryKey: ["auth", "me"] });
      return qc.invalidateQueries({ queryKey: ["users", "list"] });
    },
  });
}

/** A write that answers with the user: the user's page and the lists follow it. */
function useUserWrite(run: () => Promise<User>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (user) => {
      storeUser(qc, user);
      return qc.invalidateQueries({ queryKey: ["users", "list"] });
    },
  });
}

export function useDeactivateUser(id: string) {
  return useUserWrite(() => unwrap(api.DELETE("/api/v1/users/{id}", { params: { path: { id } } })));
}

export function useReactivateUser(id: string) {
  return useUserWrite(() => unwrap(api.POST("/api/v1/users/{id}/reactivate", { params: { path: { id } } })));
}

/** Emails a pending user a link to set their first password. */
export function useInviteUser(id: string) {
  return useUserWrite(() => unwrap(api.POST("/api/v1/users/{id}/invite", { params: { path: { id } } })));
}

/** An administrator sets a user's password (a pending user becomes active). */
export function useSetUserPassword(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (password: string) =>
      unwrap(api.PUT("/api/v1/users/{id}/password", { params: { path: { id } }, body: { new_password: password } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["users"] }),
  });
}

/** Lifts a lockout after too many wrong passwords. */
export function useUnlockUser(id: string) {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/users/{id}/unlock", { params: { path: { id } } })),
  });
}

/** Removes a user's two-step sign-in, for one who lost their authenticator. */
export function useResetUserMfa(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/users/{id}/mfa", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["users"] }),
  });
}
