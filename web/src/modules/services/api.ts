/** The business services endpoints as TanStack Query hooks, and the words their enums are shown with. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";
import type {
  CreateServiceRelationshipRequest,
  CreateServiceRequest,
  CreateServiceStakeholderRequest,
  RelationshipType,
  ServiceStatus,
  ServiceType,
  StakeholderRole,
  UpdateServiceRequest,
} from "./types";

export type * from "./types";

export const SERVICE_TYPES: { value: ServiceType; label: string }[] = [
  { value: "business", label: "Business" },
  { value: "technical", label: "Technical" },
  { value: "application", label: "Application" },
  { value: "infrastructure", label: "Infrastructure" },
];
export const SERVICE_STATUSES: { value: ServiceStatus; label: string }[] = [
  { value: "design", label: "Design" },
  { value: "active", label: "Active" },
  { value: "deprecated", label: "Deprecated" },
  { value: "retired", label: "Retired" },
];
/** Each type as a sentence's verb, from the source's side and from the target's. */
export const RELATIONSHIP_TYPES: { value: RelationshipType; label: string; inverse: string }[] = [
  { value: "depends_on", label: "depends on", inverse: "is depended on by" },
  { value: "provides_data_to", label: "provides data to", inverse: "gets data from" },
  { value: "consumes_data_from", label: "consumes data from", inverse: "is consumed by" },
  { value: "integrates_with", label: "integrates with", inverse: "integrates with" },
  { value: "replaces", label: "replaces", inverse: "is replaced by" },
  { value: "parent_of", label: "is parent of", inverse: "is a part of" },
];
export const STAKEHOLDER_ROLES: { value: StakeholderRole; label: string }[] = [
  { value: "owner", label: "Owner" },
  { value: "manager", label: "Manager" },
  { value: "stakeholder", label: "Stakeholder" },
  { value: "contributor", label: "Contributor" },
];

/** The label of an enum value, or "—" for none. */
export function labelOf<V extends string>(options: readonly { value: V; label: string }[], value: V | null | undefined): string {
  if (!value) return "—";
  return options.find((o) => o.value === value)?.label ?? value;
}

export const serviceKeys = {
  all: ["services"] as const,
  tree: ["services", "all"] as const,
  pick: ["services", "pick"] as const,
  one: (id: string) => ["services", "one", id] as const,
  rollup: (id: string) => ["services", "rollup", id] as const,
  relationships: (id: string) => ["services", "relationships", id] as const,
  stakeholders: (id: string) => ["services", "stakeholders", id] as const,
  applications: (id: string) => ["services", "applications", id] as const,
};

/** Every service of the tenant, every page of them: the tree shows the whole portfolio. */
export function useAllServices() {
  return useQuery({
    queryKey: serviceKeys.tree,
    queryFn: () =>
      fetchAllPages(
        (page) => unwrap(api.GET("/api/v1/services", { params: { query: { per_page: MAX_PER_PAGE, page } } })),
        (s) => s.id,
      ),
  });
}

/** The services whose name, number or description matches `q`, one page, for a picker. */
export function searchServices(q: string) {
  return unwrap(api.GET("/api/v1/services", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

/** The users whose name or email matches `q`, one page, for a picker. */
export function searchUsers(q: string) {
  return unwrap(api.GET("/api/v1/users", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

/** The applications whose name matches `q`, one page, for a picker. */
export function searchApplications(q: string) {
  return unwrap(api.GET("/api/v1/applications", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

export function useRollup(id: string) {
  return useQuery({
    queryKey: serviceKeys.rollup(id),
    queryFn: () => unwrap(api.GET("/api/v1/services/{id}/rollup", { params: { path: { id } } })),
  });
}

/** A user's name by id, for the owner and the manager; one the caller may not see shows as unknown. */
export function useUserRef(id: string | null | undefined) {
  const query = useQuery({
    queryKey: ["users", "one", id, "name"],
    enabled: !!id,
    retry: false,
    staleTime: 60_000,
    queryFn: () => unwrap(api.GET("/api/v1/users/{id}", { params: { path: { id: id! } } })),
  });
  const ref: UserRef = id ? { id, name: query.data?.name ?? (query.error ? "Unknown user" : "…") } : null;
  return { ref, ready: !id || !query.isPending };
}
export type UserRef = { id: string; name: string } | null;

/** Writes to a service refresh the tree, its roll-ups (a cost or a move changes its ancestors') and the pickers. */
function useServiceWrite<A, R>(run: (arg: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => qc.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

export function useCreateService() {
  return useServiceWrite((body: CreateServiceRequest) => unwrap(api.POST("/api/v1/services", { body })));
}

export function useUpdateService(id: string) {
  return useServiceWrite((body: UpdateServiceRequest) =>
    unwrap(api.PUT("/api/v1/services/{id}", { params: { path: { id } }, body })),
  );
}

export function useDeleteService() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/services/{id}", { params: { path: { id } } })),
    onSuccess: (_, id) => {
      // Its own sub-lists are gone with it: not asked for again while its panel closes.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] === "services" && q.queryKey.includes(id) });
      return qc.invalidateQueries({ queryKey: serviceKeys.all, predicate: (q) => !q.queryKey.includes(id) });
    },
  });
}

export function useRelationships(id: string) {
  return useQuery({
    queryKey: serviceKeys.relationships(id),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(api.GET("/api/v1/services/{id}/relationships", { params: { path: { id }, query: { per_page: MAX_PER_PAGE, page } } })),
        (r) => r.id,
      ),
  });
}

/** Adding and removing one service's relationships; both ends' lists refresh. */
export function useRelationshipActions(id: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ["services", "relationships"] });
  const add = useMutation({
    mutationFn: (body: CreateServiceRelationshipRequest) =>
      unwrap(api.POST("/api/v1/services/{id}/relationships", { params: { path: { id } }, body })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (relationshipId: string) =>
      unwrap(api.DELETE("/api/v1/services/{id}/relationships/{relationshipId}", { params: { path: { id, relationshipId } } })),
    onSettled: refresh,
  });
  return { add, remove };
}

export function useStakeholders(id: string) {
  return useQuery({
    queryKey: serviceKeys.stakeholders(id),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(api.GET("/api/v1/services/{id}/stakeholders", { params: { path: { id }, query: { per_page: MAX_PER_PAGE, page } } })),
        (s) => s.id,
      ),
  });
}

export function useStakeholderActions(id: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: serviceKeys.stakeholders(id) });
  const add = useMutation({
    mutationFn: (body: CreateServiceStakeholderRequest) =>
      unwrap(api.POST("/api/v1/services/{id}/stakeholders", { params: { path: { id } }, body })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (stakeholderId: string) =>
      unwrap(api.DELETE("/api/v1/services/{id}/stakeholders/{stakeholderId}", { params: { path: { id, stakeholderId } } })),
    onSettled: refresh,
  });
  return { add, remove };
}

export function useServiceApplications(id: string) {
  return useQuery({
    queryKey: serviceKeys.applications(id),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(api.GET("/api/v1/services/{id}/applications", { params: { path: { id }, query: { per_page: MAX_PER_PAGE, page } } })),
        (a) => a.id,
      ),
  });
}

/** Linking and unlinking an application that realises service `id` (the application's side of the link). */
export function useApplicationLinkActions(id: string) {
  const qc = useQueryClient();
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: serviceKeys.applications(id) }),
      // The application's page lists its services.
      qc.invalidateQueries({ queryKey: ["applications"] }),
    ]);
  const link = useMutation({
    mutationFn: (appId: string) =>
      unwrap(api.PUT("/api/v1/applications/{id}/services/{serviceId}", { params: { path: { id: appId, serviceId: id } } })),
    onSettled: refresh,
  });
  const unlink = useMutation({
    mutationFn: (appId: string) =>
      unwrap(api.DELETE("/api/v1/applications/{id}/services/{serviceId}", { params: { path: { id: appId, serviceId: id } } })),
    onSettled: refresh,
  });
  return { link, unlink };
}
