/**
 * A service's roll-up (`/services/{id}/rollup`): its subtree's cost by kind, how many services
 * it holds, its worst status, and each direct child's share as a bar.
 */
import { Link } from "react-router";
import { errorMessage } from "@/api/problem";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useRollup, type Service } from "./api";
import { ServiceStatusBadge } from "./badges";
import { childShares, formatMoney } from "./serviceTree";

function Figure({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className={strong ? "text-lg font-semibold tabular-nums" : "text-sm tabular-nums"}>{value}</dd>
    </div>
  );
}

export function RollupCard({ service, byId }: { service: Service; byId: ReadonlyMap<string, Service> }) {
  const query = useRollup(service.id);
  const r = query.data;
  const shares = r ? childShares(r.children) : [];
  return (
    <Card data-testid="rollup">
      <CardHeader>
        <CardTitle>Roll-up</CardTitle>
        <CardDescription>
          {r && r.service_count > 1
            ? `${service.name} and the ${r.service_count - 1} ${r.service_count === 2 ? "service" : "services"} below it.`
            : `${service.name}; it has no services below it.`}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {query.isPending && <Skeleton className="h-24 w-full" />}
        {query.error && <Alert variant="error">Could not load the roll-up: {errorMessage(query.error)}</Alert>}
        {r && (
          <>
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
              <Figure label="Total cost" value={formatMoney(r.total_cost)} strong />
              <div className="grid gap-0.5">
                <dt className="text-xs text-muted-foreground">Worst status</dt>
                <dd data-testid="worst-status">
                  <ServiceStatusBadge status={r.worst_status} />
                </dd>
              </div>
              <Figure label="Services" value={String(r.service_count)} />
              <Figure label="People" value={formatMoney(r.cost_people)} />
              <Figure label="Process" value={formatMoney(r.cost_process)} />
              <Figure label="Technology" value={formatMoney(r.cost_technology)} />
            </dl>
            {r.children.length > 0 && (
              <div className="overflow-x-auto">
                <table className="w-full table-fixed text-sm">
                  <caption className="sr-only">Roll-up of each service directly below {service.name}</caption>
                  <thead>
                    <tr className="border-b text-left text-xs text-muted-foreground">
                      <th scope="col" className="py-2 pr-3 font-medium">Below it</th>
                      <th scope="col" className="w-28 py-2 pr-3 font-medium">Worst</th>
                      <th scope="col" className="hidden w-1/4 py-2 pr-3 font-medium sm:table-cell">
                        <span className="sr-only">Share</span>
                      </th>
                      <th scope="col" className="w-24 py-2 text-right font-medium">Total</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.children.map((c, i) => {
                      const child = byId.get(c.service_id);
                      const share = shares[i]?.share ?? 0;
                      return (
                        <tr key={c.service_id} className="h-9 border-b last:border-0" data-testid="rollup-child">
                          <td className="truncate py-1 pr-3">
                            <Link to={`/services/${c.service_id}`} className="underline-offset-4 hover:underline" title={child?.name}>
                              {child ? child.name : c.service_id}
                            </Link>
                            {c.service_count > 1 && <span className="text-xs text-muted-foreground"> +{c.service_count - 1} below</span>}
                          </td>
                          <td className="py-1 pr-3">
                            <ServiceStatusBadge status={c.worst_status} />
                          </td>
                          <td className="hidden py-1 pr-3 sm:table-cell" aria-hidden="true">
                            <div className="h-2 rounded-full bg-muted">
                              <div className="h-2 rounded-full bg-primary" style={{ width: `${Math.round(share * 100)}%` }} />
                            </div>
                          </td>
                          <td className="whitespace-nowrap py-1 text-right tabular-nums">{formatMoney(c.total_cost)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
