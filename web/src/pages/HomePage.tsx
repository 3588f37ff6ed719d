import { useQuery } from "@tanstack/react-query";
import { ArrowRight, History, Network, ShieldAlert } from "lucide-react";
import { Link } from "react-router";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { useAuth } from "@/auth/auth";
import { EmptyState } from "@/components/EmptyState";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { describeAction } from "@/lib/activity";
import { myRoleNames } from "@/modules/identity/roles";
import { usePageTitle } from "@/lib/usePageTitle";
import { formatDateTime, formatRelative } from "@/lib/utils";
import { visibleCreate } from "@/nav";

type AuditEntry = components["schemas"]["AuditLogResponse"];

function Rows({ n }: { n: number }) {
  return (
    <div className="grid gap-2" aria-busy="true" aria-label="Loading">
      {Array.from({ length: n }, (_, i) => (
        <Skeleton key={i} className="h-5 w-full" />
      ))}
    </div>
  );
}

/** "Ada Lovelace created API key deploy-bot · 5 minutes ago": an audit entry as a sentence. */
function Activity({ entry }: { entry: AuditEntry }) {
  return (
    <li className="flex items-baseline gap-3 py-1.5 text-sm">
      <span className="min-w-0 flex-1 truncate">
        <span className="font-medium">{entry.actor_name ?? entry.actor_type}</span>{" "}
        <span className="text-muted-foreground">{describeAction(entry.action, entry.entity_type, entry.entity_name)}</span>
      </span>
      <time dateTime={entry.created_at} title={formatDateTime(entry.created_at)} className="shrink-0 text-xs text-muted-foreground">
        {formatRelative(entry.created_at)}
      </time>
    </li>
  );
}

/**
 * Where a signed-in user lands: what needs them (two-step sign-in off), their teams, the quick
 * "new …" actions open to them, and what changed lately in the tenant. Each module adds its
 * own "my work" card here (issues assigned to me, approvals waiting on me, my on-call shift).
 */
export function HomePage() {
  const { me, can } = useAuth();
  usePageTitle("Home");
  const userId = me?.user.id;
  const groups = useQuery({
    queryKey: ["home", "groups", userId],
    queryFn: () =>
      unwrap(api.GET("/api/v1/users/{id}/groups", { params: { path: { id: userId! }, query: { per_page: 8 } } })),
    enabled: userId !== undefined,
  });
  const canAudit = can("audit_logs:read");
  const recent = useQuery({
    queryKey: ["home", "audit"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/audit-logs", { params: { query: { per_page: 10, sort: "created_at", order: "desc" } } })),
    enabled: canAudit,
  });
  if (!me) return null;
  const creates = visibleCreate(can);

  return (
    <div className="mx-auto grid max-w-5xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Welcome, {me.user.name}</h1>
          <p className="text-sm text-muted-foreground">
            {me.tenant.name} · signed in as {me.user.email}
          </p>
        </div>
        {creates.length > 0 && (
          <div className="flex flex-wrap gap-2">
            {creates.map((c) => (
              <Button key={c.to} asChild variant="outline" size="sm">
                <Link to={c.to}>
                  <c.icon aria-hidden="true" /> {c.label}
                </Link>
              </Button>
            ))}
          </div>
        )}
      </div>

      {!me.user.mfa_enabled && (
        <Card className="border-warning/50" data-testid="home-mfa-nudge">
          <CardContent className="flex flex-wrap items-center gap-3 p-4">
            <ShieldAlert className="size-5 shrink-0 text-warning" aria-hidden="true" />
            <p className="min-w-0 flex-1 text-sm">
              <span className="font-medium">Two-step sign-in is off.</span>{" "}
              <span className="text-muted-foreground">A code from your phone keeps your account safe if your password leaks.</span>
            </p>
            <Button asChild size="sm">
              <Link to="/profile#mfa">Turn it on</Link>
            </Button>
          </CardContent>
        </Card>
      )}

      <div className="grid grid-cols-[minmax(0,1fr)] gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {canAudit ? (
          <Card data-testid="home-recent" className="self-start">
            <CardHeader className="flex-row items-center justify-between space-y-0">
              <div>
                <CardTitle>Recent changes</CardTitle>
                <CardDescription>The latest changes in {me.tenant.name}.</CardDescription>
              </div>
              <Button asChild variant="ghost" size="sm">
                <Link to="/admin/audit">
                  Audit log <ArrowRight aria-hidden="true" />
                </Link>
              </Button>
            </CardHeader>
            <CardContent>
              {recent.isPending ? (
                <Rows n={6} />
              ) : (recent.data?.data.length ?? 0) === 0 ? (
                <EmptyState className="py-4" icon={History} title="Nothing has changed yet" description="Changes people make show up here." />
              ) : (
                <ul className="divide-y">
                  {recent.data?.data.map((e) => <Activity key={e.id} entry={e} />)}
                </ul>
              )}
            </CardContent>
          </Card>
        ) : (
          <div className="hidden lg:block" />
        )}
        <div className="grid content-start gap-4">
          <Card data-testid="home-groups">
            <CardHeader>
              <CardTitle>Your groups</CardTitle>
              <CardDescription>The teams you work in.</CardDescription>
            </CardHeader>
            <CardContent>
              {groups.isPending ? (
                <Rows n={3} />
              ) : (groups.data?.data.length ?? 0) === 0 ? (
                <EmptyState
                  className="py-4"
                  icon={Network}
                  title="Not in a group yet"
                  description="Groups route work to teams; an administrator adds you to yours."
                />
              ) : (
                <ul className="grid gap-1">
                  {groups.data?.data.map((g) => (
                    <li key={g.id} className="flex items-center gap-2 text-sm">
                      {can("groups:read") ? (
                        <Link to={`/admin/groups/${g.id}`} className="min-w-0 truncate font-medium underline-offset-4 hover:underline">
                          {g.name}
                        </Link>
                      ) : (
                        <span className="min-w-0 truncate font-medium">{g.name}</span>
                      )}
                      {g.role === "lead" && <Badge variant="secondary">Lead</Badge>}
                    </li>
                  ))}
                  {(groups.data?.meta.total ?? 0) > (groups.data?.data.length ?? 0) && (
                    <li className="text-sm text-muted-foreground">
                      <Link to={`/users/${me.user.id}`} className="underline-offset-4 hover:underline">
                        and {(groups.data?.meta.total ?? 0) - (groups.data?.data.length ?? 0)} more
                      </Link>
                    </li>
                  )}
                </ul>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Your roles</CardTitle>
              <CardDescription>What you may do here comes from these.</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-wrap gap-2">
              {myRoleNames(me).length > 0
                ? myRoleNames(me).map((r) => (
                    <Badge key={r} variant="secondary">
                      {r}
                    </Badge>
                  ))
                : "No roles."}
            </CardContent>
          </Card>
        </div>
      </div>
    </div>
  );
}
