/**
 * The CMDB API's shapes (`/api/v1/cmdb/...`, the application impact and graph, the services an
 * application realises, CSV import), written from the contract while the generated client does
 * not have them yet. Field names are the API's.
 */

export type CiStatus = "active" | "inactive" | "retired" | "maintenance";
export type CiEnvironment = "production" | "staging" | "development" | "test";
export type RelationshipType = "runs_on" | "depends_on" | "connects_to" | "manages" | "part_of" | "backed_up_by" | "replicates_to";
export type ImpactDirection = "downstream" | "upstream";

/** A JSON Schema object (the documented subset); `null` when the class has none. */
export type AttributeSchema = Record<string, unknown> | null;

export interface CiClass {
  id: string;
  name: string;
  label: string;
  description: string | null;
  attribute_schema: AttributeSchema;
  ci_count: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Ci {
  id: string;
  number: string;
  name: string;
  description: string | null;
  ci_class: string;
  status: CiStatus;
  environment: CiEnvironment;
  service_id: string | null;
  application_id: string | null;
  owner_id: string | null;
  managed_by: string | null;
  attributes: Record<string, unknown>;
  discovered_by: string | null;
  last_discovered_at: string | null;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
  version: number;
}

export interface CiWrite {
  name: string;
  description: string | null;
  ci_class: string;
  status: CiStatus;
  environment: CiEnvironment;
  application_id: string | null;
  attributes: Record<string, unknown>;
}

/** The few fields of a CI that the relationship, impact and graph answers carry. */
export interface CiSummary {
  id: string;
  number: string;
  name: string;
  ci_class: string;
  status: CiStatus;
  environment: CiEnvironment;
  application_id?: string | null;
  service_id?: string | null;
}

export interface Relationship {
  id: string;
  source_ci_id: string;
  target_ci_id: string;
  relationship_type: RelationshipType;
  description: string | null;
  created_at?: string;
}

/** One of a CI's relationships, seen from the CI. */
export interface CiRelationship extends Relationship {
  direction: "outgoing" | "incoming";
  related_ci: CiSummary;
}

export interface GraphEdge {
  id: string;
  source_ci_id: string;
  target_ci_id: string;
  relationship_type: RelationshipType;
}

export interface GraphNode extends CiSummary {
  depth: number;
}

export interface GraphResponse {
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
}

export interface ApplicationSummary {
  id: string;
  app_id: string;
  name: string;
  tier: "P1" | "P2" | "P3" | "P4";
  status: string;
}

export interface ImpactNode {
  ci: CiSummary;
  depth: number;
  /** CI ids from a start CI to this one, both included. */
  path: string[];
  /** The type of the edge that reached it; null for a start CI. */
  relationship_type: RelationshipType | null;
}

export interface ImpactResponse {
  direction: ImpactDirection;
  depth: number;
  /** The start: a CI summary, or an application summary for an application's impact. */
  root: CiSummary | ApplicationSummary;
  nodes: ImpactNode[];
  edges: GraphEdge[];
  applications: ApplicationSummary[];
  services: { id: string }[];
}

export interface ServiceSummary {
  id: string;
  number: string;
  name: string;
  type: string;
  status: string;
}
