/**
 * The CMDB API's shapes, from the generated client (`@/api/schema`), under the names the
 * module's code uses. JSON members the document can only call "an object" (`attributes`,
 * `attribute_schema`) are typed here as what they hold.
 */
import type { components } from "@/api/schema";

type S = components["schemas"];

export type CiStatus = S["CiStatus"];
export type CiEnvironment = S["CiEnvironment"];
export type RelationshipType = S["RelationshipType"];
export type ImpactDirection = S["ImpactDirection"];

/** A JSON Schema object (the documented subset); `null` when the class has none. */
export type AttributeSchema = Record<string, unknown> | null;

export type CiClass = Omit<S["CiClassResponse"], "attribute_schema" | "description"> & {
  description: string | null;
  attribute_schema: AttributeSchema;
};

export type Ci = Omit<S["CiResponse"], "attributes" | "description"> & {
  description: string | null;
  attributes: Record<string, unknown>;
};

/** What the create and edit forms send (`version` added for an edit). */
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
export type CiSummary = S["CiSummaryResponse"];
export type Relationship = S["CiRelationshipResponse"];
/** One of a CI's relationships, seen from the CI. */
export type CiRelationship = S["RelatedCiResponse"];
export type GraphEdge = S["CiEdgeResponse"];
export type GraphNode = S["GraphNodeResponse"];
export type GraphResponse = S["GraphResponse"];
export type ApplicationSummary = S["ApplicationSummaryResponse"];
export type ImpactNode = S["ImpactNodeResponse"];
export type ImpactResponse = S["ImpactResponse"];

/** A business service as an application's links and the impact list it. */
export type ServiceSummary = S["ServiceSummaryResponse"];
