/** The business services API's shapes, from the generated client, under the names the pages use. */
import type { components } from "@/api/schema";

type Schemas = components["schemas"];

export type ServiceType = Schemas["ServiceType"];
export type ServiceStatus = Schemas["ServiceStatus"];
export type RelationshipType = Schemas["ServiceRelationshipType"];
export type StakeholderRole = Schemas["StakeholderRole"];
export type Service = Schemas["ServiceResponse"];
export type CreateServiceRequest = Schemas["CreateServiceRequest"];
export type UpdateServiceRequest = Schemas["UpdateServiceRequest"];
/** `GET /services/{id}/rollup`: a subtree's sums and worst status, and each child's. */
export type ServiceRollup = Schemas["ServiceRollupResponse"];
export type ServiceSummary = Schemas["ServiceSummaryResponse"];
export type ServiceRelationship = Schemas["ServiceRelationshipResponse"];
export type CreateServiceRelationshipRequest = Schemas["CreateServiceRelationshipRequest"];
export type ServiceStakeholder = Schemas["ServiceStakeholderResponse"];
export type CreateServiceStakeholderRequest = Schemas["AddServiceStakeholderRequest"];
/** An application that realises a service. */
export type ServiceApplication = Schemas["ApplicationSummaryResponse"];
