/** The CMDB endpoints as TanStack Query hooks, and the words their enums are shown with. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { QueryValue } from "@/api/raw";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";
import type { Paged } from "@/lib/useListQuery";
import type { operations } from "@/api/schema";
import type {
  ApplicationSummary,
  Ci,
  CiClass,
  CiEnvironment,
  CiStatus,
  CiWrite,
  GraphResponse,
  ImpactDirection,
  ImpactResponse,
  RelationshipType,
  ServiceSummary,
} from "./types";

export const CI_STATUSES: { value: CiStatus; label: string }[] = [
  { value: "active", label: "Active" },
  { value: "maintenance", label: "Maintenance" },
  { value: "inactive", label: "Inactive" },
  { value: "retired", label: "Retired" },
];
export const CI_ENVIRONMENTS: { value: CiEnvironment; label: string }[] = [
  { value: "production", label: "Production" },
  { value: "staging", label: "Staging" },
  { value: "test", label: "Test" },
  { value: "development", label: "Development" },
];
export const RELATIONSHIP_TYPES: { value: RelationshipType; label: string }[] = [
  { value: "depends_on", label: "depends on" },
  { value: "runs_on", label: "runs on" },
  { value: "connects_to", label: "connects to" },
  { value: "manages", label: "manages" },
  { value: "part_of", label: "part of" },
  { value: "backed_up_by", label: "backed up by" },
  { value: "replicates_to", label: "replicates to" },
];

export const cmdbKeys = {
  all: ["cmdb"] as const,
  classes: ["cmdb", "classes"] as const,
  cis: ["cmdb", "cis"] as const,
  lists: ["cmdb", "cis", "list"] as const,
  one: (id: string) => ["cmdb", "cis", "one", id] as const,
  relationships: (id: string) => ["cmdb", "cis", "relationships", id] as const,
  graph: (kind: "ci" | "application", id: string, depth: number) => ["cmdb", "graph", kind, id, depth] as const,
  impact: (kind: "ci" | "application", id: string, direction: ImpactDirection, depth: number) =>
    ["cmdb", "impact", kind, id, direction, depth] as const,
  appServices: (id: string) => ["applications", "services", id] as const,
  appCis: (id: string) => ["cmdb", "cis", "by-application", id] as const,
};

/**
 * A JSON object as the generated client types one (`Record<string, never>`: the document says
 * "an object" and no more); the server validates what it holds.
 */
function jsonObject(v: Record<string, unknown>): Record<string, never>;
function jsonObject(v: Record<string, unknown> | null): Record<string, never> | null;
function jsonObject(v: Record<string, unknown> | null) {
  return v as Record<string, never> | null;
}

type CiListQuery = NonNullable<operations["list_cis"]["parameters"]["query"]>;

/**
 * A page of CIs, for `useListQuery` (its key: `cmdbKeys.lists`). `attr.<key>` filters pass
 * through as they are (the document names the family `attr.<key>`, which no type can spell).
 */
export async function fetchCiPage(query: Record<string, QueryValue>): Promise<Paged<Ci>> {
  return (await unwrap(api.GET("/api/v1/cmdb/cis", { params: { query: query as CiListQuery } }))) as Paged<Ci>;
}

/** CIs matching `q`, for a picker. */
export function searchCis(q: string) {
  return fetchCiPage({ q: q || undefined, per_page: 20, sort: "number", order: "asc" });
}

/** Every class of the tenant (a few dozen at most), by name. */
export function useCiClasses() {
  return useQuery({
    queryKey: cmdbKeys.classes,
    staleTime: 60_000,
    queryFn: () =>
      fetchAllPages(
        async (page) =>
          (await unwrap(api.GET("/api/v1/cmdb/classes", { params: { query: { per_page: MAX_PER_PAGE, page } } }))) as Paged<CiClass>,
        (c) => c.id,
      ),
  });
}

export function classLabel(classes: readonly CiClass[] | undefined, name: string): string {
  return classes?.find((c) => c.name === name)?.label ?? name;
}

export type ClassWrite = Pick<CiClass, "name" | "label" | "description" | "attribute_schema">;

export function useSaveClass() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, version }: { id?: string; body: ClassWrite; version?: number }) =>
      id
        ? unwrap(api.PUT("/api/v1/cmdb/classes/{id}", { params: { path: { id } }, body: { ...body, attribute_schema: jsonObject(body.attribute_schema), version: version ?? 0 } }))
        : unwrap(api.POST("/api/v1/cmdb/classes", { body: { ...body, attribute_schema: jsonObject(body.attribute_schema) } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: cmdbKeys.classes }),
  });
}

export function useDeleteClass() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/cmdb/classes/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: cmdbKeys.classes }),
  });
}

export function useCi(id: string) {
  return useQuery({
    queryKey: cmdbKeys.one(id),
    enabled: id !== "",
    queryFn: async () => (await unwrap(api.GET("/api/v1/cmdb/cis/{id}", { params: { path: { id } } }))) as Ci,
  });
}

export function useCreateCi() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CiWrite) => (await unwrap(api.POST("/api/v1/cmdb/cis", { body: { ...body, attributes: jsonObject(body.attributes) } }))) as Ci,
    onSuccess: (ci) => {
      qc.setQueryData(cmdbKeys.one(ci.id), ci);
      return qc.invalidateQueries({ queryKey: cmdbKeys.all });
    },
  });
}

export function useUpdateCi(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CiWrite & { version: number }) =>
      (await unwrap(api.PUT("/api/v1/cmdb/cis/{id}", { params: { path: { id } }, body: { ...body, attributes: jsonObject(body.attributes) } }))) as Ci,
    onSuccess: (ci) => {
      qc.setQueryData(cmdbKeys.one(ci.id), ci);
      return qc.invalidateQueries({ queryKey: cmdbKeys.all });
    },
  });
}

export function useDeleteCi(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/cmdb/cis/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: cmdbKeys.one(id) });
      return qc.invalidateQueries({ queryKey: cmdbKeys.all });
    },
  });
}

/** Both directions of a CI's relationships, every page. */
export function useCiRelationships(id: string) {
  return useQuery({
    queryKey: cmdbKeys.relationships(id),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(api.GET("/api/v1/cmdb/cis/{id}/relationships", { params: { path: { id }, query: { per_page: MAX_PER_PAGE, page } } })),
        (r) => `${r.id}-${r.direction}`,
      ),
  });
}

export interface RelationshipWrite {
  source_ci_id: string;
  target_ci_id: string;
  relationship_type: RelationshipType;
  description: string | null;
}

/** Relationship writes refresh every relationship list, graph and impact of the CMDB. */
export function useCreateRelationship() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RelationshipWrite) => unwrap(api.POST("/api/v1/cmdb/relationships", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: cmdbKeys.all }),
  });
}

export function useDeleteRelationship() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/cmdb/relationships/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: cmdbKeys.all }),
  });
}

export function useGraph(kind: "ci" | "application", id: string, depth: number) {
  return useQuery({
    queryKey: cmdbKeys.graph(kind, id, depth),
    queryFn: (): Promise<GraphResponse> => {
      const params = { path: { id }, query: { depth } };
      return kind === "ci"
        ? unwrap(api.GET("/api/v1/cmdb/cis/{id}/graph", { params }))
        : unwrap(api.GET("/api/v1/applications/{id}/graph", { params }));
    },
  });
}

export function useImpact(kind: "ci" | "application", id: string, direction: ImpactDirection, depth: number, enabled = true) {
  return useQuery({
    queryKey: cmdbKeys.impact(kind, id, direction, depth),
    enabled,
    queryFn: (): Promise<ImpactResponse> => {
      const params = { path: { id }, query: { direction, depth } };
      return kind === "ci"
        ? unwrap(api.GET("/api/v1/cmdb/cis/{id}/impact", { params }))
        : unwrap(api.GET("/api/v1/applications/{id}/impact", { params }));
    },
  });
}

/** The CIs linked to an application (first 100, nearest the top by number). */
export function useApplicationCis(appId: string) {
  return useQuery({
    queryKey: cmdbKeys.appCis(appId),
    queryFn: () => fetchCiPage({ application_id: appId, per_page: MAX_PER_PAGE, sort: "number", order: "asc" }),
  });
}

/** The services an application realises (every one: an application realises a handful). */
export function useApplicationServices(appId: string) {
  return useQuery({
    queryKey: cmdbKeys.appServices(appId),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(api.GET("/api/v1/applications/{id}/services", { params: { path: { id: appId }, query: { per_page: MAX_PER_PAGE, page } } })),
        (s) => s.id,
      ),
  });
}

export function searchServices(q: string): Promise<Paged<ServiceSummary>> {
  return unwrap(api.GET("/api/v1/services", { params: { query: { q: q || undefined, per_page: 20 } } }));
}

export function useLinkService(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ serviceId, link }: { serviceId: string; link: boolean }) => {
      const params = { path: { id: appId, serviceId } };
      return link
        ? unwrap(api.PUT("/api/v1/applications/{id}/services/{serviceId}", { params }))
        : unwrap(api.DELETE("/api/v1/applications/{id}/services/{serviceId}", { params }));
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: cmdbKeys.appServices(appId) }),
  });
}

export function searchApplications(q: string): Promise<Paged<ApplicationSummary>> {
  return unwrap(api.GET("/api/v1/applications", { params: { query: { q: q || undefined, per_page: 20 } } }));
}
