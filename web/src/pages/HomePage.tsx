import { Link } from "react-router";
import { useAuth } from "@/auth/auth";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { visibleNav } from "@/nav";
import { usePageTitle } from "@/lib/usePageTitle";

/** Where a signed-in user lands: who they are and the pages open to them. */
export function HomePage() {
  const { me, can } = useAuth();
  usePageTitle("Home");
  if (!me) return null;
  const pages = visibleNav(can).filter((p) => p.to !== "/");
  return (
    <div className="mx-auto grid max-w-4xl gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Welcome, {me.user.name}</h1>
        <p className="text-sm text-muted-foreground">
          Signed in to {me.tenant.name} as {me.user.email}.
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Your roles</CardTitle>
          <CardDescription>What you may do here comes from these roles.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap gap-2">
          {me.roles.length > 0 ? me.roles.map((r) => <Badge key={r} variant="secondary">{r}</Badge>) : "No roles."}
        </CardContent>
      </Card>
      {pages.length > 0 && (
        <div className="grid gap-4 sm:grid-cols-2">
          {pages.map((p) => (
            <Link key={p.to} to={p.to} className="group rounded-xl focus-visible:outline-2 focus-visible:outline-ring">
              <Card className="h-full transition-colors group-hover:bg-accent">
                <CardHeader>
                  <CardTitle className="flex items-center gap-2">
                    <p.icon className="size-5" aria-hidden="true" /> {p.label}
                  </CardTitle>
                  <CardDescription>Open {p.label.toLowerCase()}.</CardDescription>
                </CardHeader>
              </Card>
            </Link>
          ))}
        </div>
      )}
    </div>
  );
}
