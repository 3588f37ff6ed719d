/**
 * The business services API's shapes, written by hand from its contract until the generated
 * client (`@/api/schema`) carries them. Field names are the API's.
 */

export type ServiceType = "business" | "technical" | "application" | "infrastructure";
export type ServiceStatus = "design" | "active" | "deprecated" | "retired";
export type RelationshipType =
  | "depends_on"
  | "provides_data_to"
  | "consumes_data_from"
  | "integrates_with"
  | "replaces"
  | "parent_of";
export type StakeholderRole = "owner" | "manager" | "stakeholder" | "contributor";

export interface Service {
  id: string;
  /** `SRV-00001`. */
  number: string;
  name: string;
  description?: string | null;
  domain?: string | null;
  type: ServiceType;
  parent_service_id?: string | null;
  status: ServiceStatus;
  owner_id?: string | null;
  manager_id?: string | null;
  /** Percent, 0–100 with up to two decimals. */
  sla_target?: number | null;
  cost_people: number;
  cost_process: number;
  cost_technology: number;
  /** The three costs summed (read-only). */
  total_cost: number;
  metadata?: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  created_by?: string | null;
  updated_by?: string | null;
  version: number;
}

export interface CreateServiceRequest {
  name: string;
  description?: string | null;
  domain?: string | null;
  type: ServiceType;
  parent_service_id?: string | null;
  status?: ServiceStatus;
  owner_id?: string | null;
  manager_id?: string | null;
  sla_target?: number | null;
  cost_people?: number;
  cost_process?: number;
  cost_technology?: number;
}

export interface UpdateServiceRequest extends Partial<CreateServiceRequest> {
  version: number;
}

/** `GET /services/{id}/rollup`: a subtree's sums and worst status, and each child's. */
export interface ServiceRollup {
  service_id: string;
  /** The service and its live descendants. */
  service_count: number;
  cost_people: number;
  cost_process: number;
  cost_technology: number;
  total_cost: number;
  worst_status: ServiceStatus;
  children: ServiceRollup[];
}

export interface ServiceSummary {
  id: string;
  number: string;
  name: string;
  type: ServiceType;
  status: ServiceStatus;
}

export interface ServiceRelationship {
  id: string;
  source_service_id: string;
  target_service_id: string;
  relationship_type: RelationshipType;
  description?: string | null;
  /** Seen from the service asked about. */
  direction: "outgoing" | "incoming";
  created_at: string;
  created_by?: string | null;
  /** The service at the other end. */
  related_service: ServiceSummary;
}

export interface CreateServiceRelationshipRequest {
  target_service_id: string;
  relationship_type: RelationshipType;
  description?: string | null;
}

export interface ServiceStakeholder {
  id: string;
  service_id: string;
  user_id: string;
  role: StakeholderRole;
  created_at: string;
  created_by?: string | null;
  user: { id: string; name: string; email: string };
}

export interface CreateServiceStakeholderRequest {
  user_id: string;
  role: StakeholderRole;
}

/** An application that realises a service. */
export interface ServiceApplication {
  id: string;
  app_id: string;
  name: string;
  tier: "P1" | "P2" | "P3" | "P4";
  status: "active" | "inactive" | "deprecated";
}
