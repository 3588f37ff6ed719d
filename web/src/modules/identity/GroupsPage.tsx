/**
 * Groups: every group of the tenant as a searchable tree, and the group picked (its id in the
 * URL, `/admin/groups/:id`) beside it on a desktop, or as a page of its own on a phone.
 */
import { Network, Plus } from "lucide-react";
import * as React from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { EmptyState } from "@/components/EmptyState";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useShortcut } from "@/lib/shortcuts";
import { usePageTitle } from "@/lib/usePageTitle";
import { cn } from "@/lib/utils";
import { useAllGroups, type Group } from "./groups/api";
import { GroupPanel } from "./groups/GroupPanel";
import { GroupTree } from "./groups/GroupTree";
import { NewGroupDialog } from "./groups/NewGroupDialog";

const WHAT =
  "A group is a team, department or distribution list: work is assigned to it, its members are people with a lead or two, and the roles it holds apply to all its members.";

export function GroupsPage() {
  usePageTitle("Groups");
  const { can } = useAuth();
  const navigate = useNavigate();
  const { id: selectedId = null } = useParams();
  const [creating, setCreating] = React.useState(false);
  const canCreate = can("groups:create");
  useShortcut("c", "New group", () => setCreating(true), canCreate);

  const groups = useAllGroups();
  const all = React.useMemo(() => groups.data ?? [], [groups.data]);
  const byId = React.useMemo(() => new Map(all.map((g) => [g.id, g])), [all]);
  const selected: Group | null = selectedId ? (byId.get(selectedId) ?? null) : null;
  // The tree's search lives in the URL, so it survives picking a group, Back and a reload.
  const [params, setParams] = useSearchParams();
  const query = params.get("q") ?? "";
  const keepQuery = query ? `?${new URLSearchParams({ q: query }).toString()}` : "";
  const select = (id: string) => navigate(`/admin/groups/${id}${keepQuery}`);
  const setQuery = (q: string) => setParams(q ? { q } : {}, { replace: true });

  const newButton = canCreate && (
    <Button onClick={() => setCreating(true)}>
      <Plus aria-hidden="true" /> New group
    </Button>
  );

  return (
    <div className="mx-auto grid max-w-6xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className={cn("flex flex-wrap items-center justify-between gap-3", selectedId && "max-md:hidden")}>
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Groups</h1>
          <p className="text-sm text-muted-foreground">Teams and departments; a group's roles apply to its members.</p>
        </div>
        {/* With no group yet, the empty state below offers it instead. */}
        {all.length > 0 && newButton}
      </div>
      {groups.error && <Alert variant="error">Could not load the groups: {errorMessage(groups.error)}</Alert>}
      {groups.isPending && <Skeleton className="h-40 w-full" />}
      {groups.data && all.length === 0 && (
        <EmptyState
          bordered
          icon={Network}
          title="No groups yet."
          description={WHAT}
          action={newButton}
        />
      )}
      {all.length > 0 && (
        <div className="grid grid-cols-[minmax(0,1fr)] items-start gap-6 md:grid-cols-[18rem_minmax(0,1fr)]">
          <nav aria-label="Group hierarchy" className={cn("min-w-0 md:sticky md:top-16", selectedId && "max-md:hidden")}>
            <GroupTree groups={all} selectedId={selectedId} onSelect={select} query={query} onQuery={setQuery} />
          </nav>
          {selected ? (
            <GroupPanel
              key={selected.id}
              group={selected}
              all={all}
              byId={byId}
              onDeleted={() => navigate(selected.parent_id ? `/admin/groups/${selected.parent_id}` : "/admin/groups")}
            />
          ) : selectedId ? (
            <div className="grid justify-items-start gap-2">
              <Alert variant="error">There is no such group; it may have been deleted.</Alert>
              <Link to="/admin/groups" className="text-sm underline">
                All groups
              </Link>
            </div>
          ) : (
            <EmptyState
              bordered
              className="max-md:hidden"
              icon={Network}
              title="Pick a group"
              description="Its members, roles and details show here."
            />
          )}
        </div>
      )}
      {creating && (
        <NewGroupDialog
          byId={byId}
          onClose={() => setCreating(false)}
          onCreated={(g) => {
            setCreating(false);
            select(g.id);
          }}
        />
      )}
    </div>
  );
}
