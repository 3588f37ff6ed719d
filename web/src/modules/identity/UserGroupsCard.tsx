/** The groups a user belongs to, with their role in each; each links to the group. */
import { useQuery } from "@tanstack/react-query";
import { Network } from "lucide-react";
import { Link } from "react-router";
import { api, unwrap } from "@/api/client";
import { errorMessage } from "@/api/problem";
import { EmptyState } from "@/components/EmptyState";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";
import type { User } from "@/modules/identity/users";

export function UserGroupsCard({ user }: { user: User }) {
  const groups = useQuery({
    queryKey: ["users", "groups", user.id],
    queryFn: () =>
      fetchAllPages(
        (page) =>
          unwrap(api.GET("/api/v1/users/{id}/groups", { params: { path: { id: user.id }, query: { per_page: MAX_PER_PAGE, page } } })),
        (g) => g.id,
      ),
  });
  const list = groups.data ?? [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Groups{groups.data ? ` (${list.length})` : ""}</CardTitle>
        <CardDescription>The groups {user.name} is a member of; each group's roles apply to its members.</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-[minmax(0,1fr)] gap-2">
        {groups.isPending && <Skeleton className="h-12 w-full" />}
        {groups.error && <Alert variant="error">Could not load the groups: {errorMessage(groups.error)}</Alert>}
        {groups.data && list.length === 0 && (
          <EmptyState icon={Network} title="In no group yet." description="Add them to a group from the group's page." className="py-4" />
        )}
        {list.length > 0 && (
          <ul className="grid grid-cols-[minmax(0,1fr)] gap-1.5" aria-label={`Groups of ${user.name}`}>
            {list.map((g) => (
              <li key={g.id} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm" data-testid="user-group">
                <Link to={`/admin/groups/${g.id}`} className="min-w-0 flex-1 truncate font-medium hover:underline">
                  {g.name}
                </Link>
                <Badge variant={g.role === "lead" ? "default" : "muted"}>{g.role === "lead" ? "Lead" : "Member"}</Badge>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
