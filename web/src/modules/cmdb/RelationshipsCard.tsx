/** A CI's relationships in both directions: add one (type, target CI, description), remove with Undo. */
import { Plus, Trash2 } from "lucide-react";
import * as React from "react";
import { Link } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { EmptyState } from "@/components/EmptyState";
import { SearchPicker } from "@/components/SearchPicker";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { RELATIONSHIP_TYPES, searchCis, useCiRelationships, useCreateRelationship, useDeleteRelationship, type RelationshipWrite } from "./api";
import { RELATIONSHIP_LABELS } from "./graph";
import type { Ci, CiRelationship, RelationshipType } from "./types";

function AddRelationship({ ci }: { ci: Ci }) {
  const create = useCreateRelationship();
  const [type, setType] = React.useState<RelationshipType>("depends_on");
  const [target, setTarget] = React.useState<Pick<Ci, "id" | "number" | "name"> | null>(null);
  const [description, setDescription] = React.useState("");
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFormError(null);
    if (!target) {
      setErrors({ target_ci_id: "Choose the CI it relates to." });
      return;
    }
    try {
      await create.mutateAsync({
        source_ci_id: ci.id,
        target_ci_id: target.id,
        relationship_type: type,
        description: description.trim() || null,
      });
      toast.success(`${ci.number} ${RELATIONSHIP_LABELS[type]} ${target.number}`);
      setTarget(null);
      setDescription("");
    } catch (err) {
      if (err instanceof ApiError && err.hasFieldErrors) {
        setErrors(Object.fromEntries(Object.entries(err.fieldErrors).map(([k, v]) => [k, v.join(" ")])));
        const other = Object.keys(err.fieldErrors).filter((k) => !["target_ci_id", "relationship_type", "description"].includes(k));
        if (other.length > 0) setFormError(errorMessage(err));
      } else setFormError(errorMessage(err));
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Add a relationship" className="grid gap-3 rounded-md border p-3">
      {formError && <Alert variant="error">{formError}</Alert>}
      <div className="grid items-start gap-3 sm:grid-cols-[11rem_minmax(0,1fr)]">
        <div className="grid gap-1.5">
          <Label htmlFor="rel-type">{ci.number} …</Label>
          <Select
            id="rel-type"
            value={type}
            onChange={(e) => setType(e.target.value as RelationshipType)}
            aria-invalid={errors.relationship_type ? true : undefined}
          >
            {RELATIONSHIP_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
          {errors.relationship_type && <p className="text-xs font-medium text-destructive">{errors.relationship_type}</p>}
        </div>
        <SearchPicker
          id="rel-target"
          label="Target CI"
          queryKey={["cmdb", "cis", "pick"]}
          search={searchCis}
          itemKey={(c) => c.id}
          itemText={(c) => `${c.number} ${c.name}`}
          value={target}
          onChange={(c) => setTarget(c)}
          exclude={(c) => c.id === ci.id}
          error={errors.target_ci_id}
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="rel-description">Description (optional)</Label>
        <Input
          id="rel-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          autoComplete="off"
          aria-invalid={errors.description ? true : undefined}
        />
        {errors.description && <p className="text-xs font-medium text-destructive">{errors.description}</p>}
      </div>
      <Button type="submit" className="w-fit" disabled={create.isPending}>
        <Plus aria-hidden="true" /> {create.isPending ? "Adding…" : "Add relationship"}
      </Button>
    </form>
  );
}

function sentenceOf(ci: Ci, r: CiRelationship) {
  const verb = RELATIONSHIP_LABELS[r.relationship_type] ?? r.relationship_type;
  const other = (
    <Link to={`/cmdb/cis/${r.related_ci.id}`} className="font-mono underline-offset-4 hover:underline">
      {r.related_ci.number}
    </Link>
  );
  return r.direction === "outgoing" ? (
    <>
      <span className="text-muted-foreground">{ci.number}</span> {verb} {other} <span className="text-muted-foreground">{r.related_ci.name}</span>
    </>
  ) : (
    <>
      {other} <span className="text-muted-foreground">{r.related_ci.name}</span> {verb} <span className="text-muted-foreground">{ci.number}</span>
    </>
  );
}

export function RelationshipsCard({ ci }: { ci: Ci }) {
  const { can } = useAuth();
  const query = useCiRelationships(ci.id);
  const remove = useDeleteRelationship();
  const create = useCreateRelationship();
  const may = can("cmdb:update");

  const removeOne = async (r: CiRelationship) => {
    try {
      await remove.mutateAsync(r.id);
      const again: RelationshipWrite = {
        source_ci_id: r.source_ci_id,
        target_ci_id: r.target_ci_id,
        relationship_type: r.relationship_type,
        description: r.description ?? null,
      };
      toast.success(`Removed: ${r.direction === "outgoing" ? ci.number : r.related_ci.number} ${RELATIONSHIP_LABELS[r.relationship_type]} ${r.direction === "outgoing" ? r.related_ci.number : ci.number}`, {
        undo: () => create.mutateAsync(again).catch((e: unknown) => toast.error(`Could not restore it: ${errorMessage(e)}`)),
      });
    } catch (e) {
      toast.error(`Could not remove it: ${errorMessage(e)}`);
    }
  };

  return (
    <Card data-testid="relationships-card">
      <CardHeader>
        <CardTitle>Relationships</CardTitle>
        <CardDescription>What {ci.number} needs, and what needs it.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {query.isPending && <Skeleton className="h-16 w-full" />}
        {query.error && <Alert variant="error">Could not load the relationships: {errorMessage(query.error)}</Alert>}
        {query.data && query.data.length === 0 && (
          <EmptyState bordered title="No relationships yet." description="Say what this CI runs on or depends on, and the graph and impact analysis follow." />
        )}
        {query.data && query.data.length > 0 && (
          <ul className="divide-y rounded-md border text-sm" aria-label="Relationships">
            {query.data.map((r) => (
              <li key={`${r.id}-${r.direction}`} className="flex items-center gap-2 px-3 py-2" data-testid="relationship-row">
                <span className="min-w-0 flex-1 break-words">
                  {sentenceOf(ci, r)}
                  {r.description && <span className="block text-xs text-muted-foreground">{r.description}</span>}
                </span>
                {may && (
                  <Button
                    variant="ghost"
                    size="icon"
                    aria-label={`Remove relationship with ${r.related_ci.number}`}
                    onClick={() => void removeOne(r)}
                    disabled={remove.isPending}
                  >
                    <Trash2 aria-hidden="true" />
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {may && <AddRelationship ci={ci} />}
      </CardContent>
    </Card>
  );
}
