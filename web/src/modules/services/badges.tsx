import { Badge } from "@/components/ui/badge";
import { labelOf, SERVICE_STATUSES, SERVICE_TYPES, type ServiceStatus, type ServiceType } from "./api";

export function ServiceTypeBadge({ type }: { type: ServiceType }) {
  return <Badge variant="secondary">{labelOf(SERVICE_TYPES, type)}</Badge>;
}

export function ServiceStatusBadge({ status, className }: { status: ServiceStatus; className?: string }) {
  const variant = status === "active" ? "success" : status === "deprecated" ? "warning" : "muted";
  return (
    <Badge variant={variant} className={className}>
      {labelOf(SERVICE_STATUSES, status)}
    </Badge>
  );
}
