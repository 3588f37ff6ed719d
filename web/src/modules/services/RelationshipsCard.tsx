/**
 * A service's relationships with other services, in both directions, each read as a sentence
 * ("Payments depends on Ledger"); add one (type, target, description) or remove one.
 */
import { ArrowLeftRight, Plus, Trash2 } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { errorMessage } from "@/api/problem";
import { useConfirm } from "@/components/confirm";
import { EmptyState } from "@/components/EmptyState";
import { SearchPicker } from "@/components/SearchPicker";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import {
  RELATIONSHIP_TYPES,
  searchServices,
  serviceKeys,
  useRelationshipActions,
  useRelationships,
  type RelationshipType,
  type Service,
  type ServiceRelationship,
} from "./api";
import { ServiceStatusBadge } from "./badges";

type Pickable = Pick<Service, "id" | "number" | "name">;

/** "depends on" from the source's side, "is depended on by" from the target's. */
export function relationshipVerb(r: Pick<ServiceRelationship, "relationship_type" | "direction">): string {
  const t = RELATIONSHIP_TYPES.find((x) => x.value === r.relationship_type);
  if (!t) return r.relationship_type;
  return r.direction === "outgoing" ? t.label : t.inverse;
}

function AddRelationship({ service }: { service: Service }) {
  const { add } = useRelationshipActions(service.id);
  const [type, setType] = React.useState<RelationshipType>("depends_on");
  const [target, setTarget] = React.useState<Pickable | null>(null);
  const [description, setDescription] = React.useState("");
  const [error, setError] = React.useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!target) return;
    setError(null);
    try {
      await add.mutateAsync({ target_service_id: target.id, relationship_type: type, description: description.trim() || null });
      toast.success(`${service.name} ${RELATIONSHIP_TYPES.find((t) => t.value === type)?.label} ${target.name}`);
      setTarget(null);
      setDescription("");
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Add a relationship" className="grid grid-cols-[minmax(0,1fr)] gap-3 border-t pt-4">
      <p className="text-sm font-medium">Add a relationship</p>
      {error && <Alert variant="error">{error}</Alert>}
      <div className="grid grid-cols-[minmax(0,1fr)] items-start gap-3 sm:grid-cols-[12rem_minmax(0,1fr)]">
        <div className="grid gap-1.5">
          <Label htmlFor="relationship-type">Relationship</Label>
          <Select id="relationship-type" value={type} onChange={(e) => setType(e.target.value as RelationshipType)}>
            {RELATIONSHIP_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </div>
        <SearchPicker<Pickable>
          id="relationship-target"
          label="Service"
          placeholder="Name or number"
          queryKey={serviceKeys.pick}
          search={searchServices}
          itemKey={(s) => s.id}
          itemText={(s) => `${s.number} ${s.name}`}
          value={target}
          onChange={setTarget}
          exclude={(s) => s.id === service.id}
        />
      </div>
      <div className="grid grid-cols-[minmax(0,1fr)] items-end gap-3 sm:grid-cols-[minmax(0,1fr)_auto]">
        <div className="grid gap-1.5">
          <Label htmlFor="relationship-description">Description (optional)</Label>
          <Input id="relationship-description" autoComplete="off" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <Button type="submit" disabled={!target || add.isPending}>
          <Plus aria-hidden="true" /> {add.isPending ? "Adding…" : "Add relationship"}
        </Button>
      </div>
    </form>
  );
}

export function RelationshipsCard({ service, canEdit }: { service: Service; canEdit: boolean }) {
  const query = useRelationships(service.id);
  const { remove } = useRelationshipActions(service.id);
  const confirm = useConfirm();
  const list = query.data ?? [];

  const runRemove = async (r: ServiceRelationship) => {
    const sentence =
      r.direction === "outgoing"
        ? `${service.name} ${relationshipVerb(r)} ${r.related_service.name}`
        : `${r.related_service.name} ${relationshipVerb({ ...r, direction: "outgoing" })} ${service.name}`;
    const ok = await confirm({ title: "Remove this relationship?", body: `${sentence}.`, action: "Remove", destructive: true });
    if (!ok) return;
    try {
      await remove.mutateAsync(r.id);
      toast.success("Relationship removed");
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };

  return (
    <Card data-testid="relationships">
      <CardHeader>
        <CardTitle>Relationships{query.data ? ` (${list.length})` : ""}</CardTitle>
        <CardDescription>How {service.name} works with other services, both ways.</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-3">
        {query.isPending && <Skeleton className="h-12 w-full" />}
        {query.error && <Alert variant="error">Could not load the relationships: {errorMessage(query.error)}</Alert>}
        {query.data && list.length === 0 && (
          <EmptyState icon={ArrowLeftRight} title="No relationships yet." description="Such as a service it depends on, or one it sends data to." className="py-4" />
        )}
        {list.length > 0 && (
          <ul className="grid grid-cols-[minmax(0,1fr)] gap-2">
            {list.map((r) => (
              <li key={r.id} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm" data-testid="relationship">
                <span className="grid min-w-0 flex-1">
                  <span className="min-w-0">
                    <span className="text-muted-foreground">{r.direction === "outgoing" ? "This " : ""}</span>
                    {r.direction === "incoming" && (
                      <Link to={`/services/${r.related_service.id}`} className="font-medium hover:underline">
                        {r.related_service.number} {r.related_service.name}
                      </Link>
                    )}
                    <span className="text-muted-foreground"> {relationshipVerb({ ...r, direction: "outgoing" })} </span>
                    {r.direction === "outgoing" ? (
                      <Link to={`/services/${r.related_service.id}`} className="font-medium hover:underline">
                        {r.related_service.number} {r.related_service.name}
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">this</span>
                    )}
                  </span>
                  {r.description && <span className="truncate text-xs text-muted-foreground">{r.description}</span>}
                </span>
                <ServiceStatusBadge status={r.related_service.status} />
                {canEdit && (
                  <Button size="sm" variant="ghost" aria-label={`Remove relationship with ${r.related_service.name}`} onClick={() => void runRemove(r)}>
                    <Trash2 aria-hidden="true" />
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canEdit && <AddRelationship service={service} />}
      </CardContent>
    </Card>
  );
}
