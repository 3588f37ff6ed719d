/** The applications endpoints as TanStack Query hooks, and the words their enums are shown with. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components, operations } from "@/api/schema";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";

export type Application = components["schemas"]["ApplicationResponse"];
export type Environment = components["schemas"]["EnvironmentResponse"];
export type CreateApplicationRequest = components["schemas"]["CreateApplicationRequest"];
export type UpdateApplicationRequest = components["schemas"]["UpdateApplicationRequest"];
export type CreateEnvironmentRequest = components["schemas"]["CreateEnvironmentRequest"];
export type UpdateEnvironmentRequest = components["schemas"]["UpdateEnvironmentRequest"];
export type ApplicationListQuery = NonNullable<operations["list_applications"]["parameters"]["query"]>;
export type Tier = components["schemas"]["Tier"];
export type Criticality = components["schemas"]["Criticality"];
export type LifecycleStage = components["schemas"]["LifecycleStage"];
export type ApplicationStatus = components["schemas"]["ApplicationStatus"];
export type EnvironmentType = components["schemas"]["EnvironmentType"];
export type CloudProvider = components["schemas"]["CloudProvider"];
export type EnvironmentStatus = components["schemas"]["EnvironmentStatus"];

export const TIERS: { value: Tier; label: string }[] = [
  { value: "P1", label: "P1 (most critical)" },
  { value: "P2", label: "P2" },
  { value: "P3", label: "P3" },
  { value: "P4", label: "P4 (least critical)" },
];
export const STATUSES: { value: ApplicationStatus; label: string }[] = [
  { value: "active", label: "Active" },
  { value: "inactive", label: "Inactive" },
  { value: "deprecated", label: "Deprecated" },
];
export const LIFECYCLE_STAGES: { value: LifecycleStage; label: string }[] = [
  { value: "development", label: "Development" },
  { value: "staging", label: "Staging" },
  { value: "production", label: "Production" },
  { value: "sunset", label: "Sunset" },
];
export const CRITICALITIES: { value: Criticality; label: string }[] = [
  { value: "mission_critical", label: "Mission critical" },
  { value: "business_critical", label: "Business critical" },
  { value: "business_operational", label: "Business operational" },
  { value: "administrative", label: "Administrative" },
];
export const ENVIRONMENT_TYPES: { value: EnvironmentType; label: string }[] = [
  { value: "dev", label: "Development" },
  { value: "test", label: "Test" },
  { value: "staging", label: "Staging" },
  { value: "prod", label: "Production" },
];
export const CLOUD_PROVIDERS: { value: CloudProvider; label: string }[] = [
  { value: "aws", label: "AWS" },
  { value: "gcp", label: "Google Cloud" },
  { value: "azure", label: "Azure" },
  { value: "on-prem", label: "On premises" },
];

/** The label of an enum value, or "—" for none. */
export function labelOf<V extends string>(options: readonly { value: V; label: string }[], value: V | null | undefined): string {
  if (!value) return "—";
  return options.find((o) => o.value === value)?.label ?? value;
}

export const applicationKeys = {
  all: ["applications"] as const,
  lists: ["applications", "list"] as const,
  one: (id: string) => ["applications", "one", id] as const,
  environments: (id: string) => ["applications", "environments", id] as const,
};

/** A page of applications, for `useListQuery` (its key: `applicationKeys.lists`). */
export function fetchApplicationPage(query: ApplicationListQuery) {
  return unwrap(api.GET("/api/v1/applications", { params: { query } }));
}

export function useApplication(id: string) {
  return useQuery({
    queryKey: applicationKeys.one(id),
    enabled: id !== "",
    queryFn: () => unwrap(api.GET("/api/v1/applications/{id}", { params: { path: { id } } })),
  });
}

export function useCreateApplication() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApplicationRequest) => unwrap(api.POST("/api/v1/applications", { body })),
    onSuccess: (app) => {
      qc.setQueryData(applicationKeys.one(app.id), app);
      return qc.invalidateQueries({ queryKey: applicationKeys.lists });
    },
  });
}

export function useUpdateApplication(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateApplicationRequest) =>
      unwrap(api.PUT("/api/v1/applications/{id}", { params: { path: { id } }, body })),
    onSuccess: (app) => {
      qc.setQueryData(applicationKeys.one(app.id), app);
      return qc.invalidateQueries({ queryKey: applicationKeys.lists });
    },
  });
}

export function useDeleteApplication(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/applications/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: applicationKeys.one(id) });
      return qc.invalidateQueries({ queryKey: applicationKeys.lists });
    },
  });
}

/** Every environment of an application, every page of them. */
export function useEnvironments(appId: string) {
  return useQuery({
    queryKey: applicationKeys.environments(appId),
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(
            api.GET("/api/v1/applications/{id}/environments", {
              params: { path: { id: appId }, query: { per_page: MAX_PER_PAGE, page } },
            }),
          ),
        (e) => e.id,
      ),
  });
}

function useEnvironmentWrite<A>(appId: string, run: (arg: A) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => qc.invalidateQueries({ queryKey: applicationKeys.environments(appId) }),
  });
}

export function useCreateEnvironment(appId: string) {
  return useEnvironmentWrite(appId, (body: CreateEnvironmentRequest) =>
    unwrap(api.POST("/api/v1/applications/{id}/environments", { params: { path: { id: appId } }, body })),
  );
}

export function useUpdateEnvironment(appId: string) {
  return useEnvironmentWrite(appId, ({ envId, body }: { envId: string; body: UpdateEnvironmentRequest }) =>
    unwrap(api.PUT("/api/v1/applications/{id}/environments/{envId}", { params: { path: { id: appId, envId } }, body })),
  );
}

export function useDeleteEnvironment(appId: string) {
  return useEnvironmentWrite(appId, (envId: string) =>
    unwrap(api.DELETE("/api/v1/applications/{id}/environments/{envId}", { params: { path: { id: appId, envId } } })),
  );
}
