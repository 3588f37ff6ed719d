import { Plus, Search, SearchX, Users, X } from "lucide-react";
import * as React from "react";
import { Link, useNavigate } from "react-router";
import { fetchUserPage, userKeys, type User } from "@/modules/identity/users";
import { useAuth } from "@/auth/auth";
import { DataTable, type Column } from "@/components/DataTable";
import { EmptyState } from "@/components/EmptyState";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { useListQuery, useSearchBox } from "@/lib/useListQuery";
import { useShortcut } from "@/lib/shortcuts";
import { useCreateParam } from "@/lib/useCreateParam";
import { type ListSpec } from "@/lib/tableState";
import { formatDateTime } from "@/lib/utils";
import { CreateUserDialog } from "./CreateUserDialog";
import { usePageTitle } from "@/lib/usePageTitle";

type UserSort = "name" | "email" | "created_at" | "updated_at" | "last_login_at";
type UserFilter = "status";

export const USERS_SPEC: ListSpec<UserSort, UserFilter> = {
  sorts: ["name", "email", "created_at", "updated_at", "last_login_at"],
  defaultSort: "name",
  defaultOrder: "asc",
  filters: { status: ["active", "pending", "inactive"] },
  perPageOptions: [10, 25, 50, 100],
  defaultPerPage: 25,
};

export function StatusBadge({ status }: { status: string }) {
  const variant = status === "active" ? "success" : status === "pending" ? "warning" : "muted";
  return <Badge variant={variant}>{status}</Badge>;
}

const COLUMNS: Column<User, UserSort>[] = [
  {
    key: "name",
    header: "Name",
    sort: "name",
    className: "whitespace-nowrap",
    cell: (u) => (
      <Link
        to={`/users/${u.id}`}
        title={u.name}
        className="block max-w-[14rem] truncate font-medium text-foreground underline-offset-4 hover:underline"
      >
        {u.name}
      </Link>
    ),
  },
  {
    key: "email",
    header: "Email",
    sort: "email",
    cell: (u) => (
      <span title={u.email} className="block max-w-[12rem] truncate sm:max-w-[16rem]">
        {u.email}
      </span>
    ),
  },
  { key: "status", header: "Status", cell: (u) => <StatusBadge status={u.status} /> },
  {
    key: "roles",
    header: "Roles",
    className: "hidden lg:table-cell",
    cell: (u) =>
      (u.roles ?? []).length > 0 ? (
        <span className="flex gap-1">
          {(u.roles ?? []).map((r) => (
            <Badge key={r.id} variant="secondary" className="whitespace-nowrap">
              {r.display_name}
            </Badge>
          ))}
        </span>
      ) : (
        "—"
      ),
  },
  {
    key: "last_login_at",
    header: "Last sign-in",
    sort: "last_login_at",
    className: "hidden whitespace-nowrap md:table-cell",
    cell: (u) => formatDateTime(u.last_login_at),
  },
  {
    key: "created_at",
    header: "Created",
    sort: "created_at",
    className: "hidden whitespace-nowrap xl:table-cell",
    cell: (u) => formatDateTime(u.created_at),
  },
];

export function UsersPage() {
  usePageTitle("Users");
  const { can } = useAuth();
  const navigate = useNavigate();
  const list = useListQuery({ spec: USERS_SPEC, queryKey: userKeys.lists, fetch: fetchUserPage });
  const { state } = list;
  const [search, setSearch] = useSearchBox(list);
  const [creating, setCreating] = React.useState(false);
  useShortcut("c", "New user", () => setCreating(true), can("users:create"));
  useCreateParam(() => setCreating(true), can("users:create"));


  const newUser = can("users:create") && (
    <Button onClick={() => setCreating(true)} data-testid="new-user">
      <Plus aria-hidden="true" /> New user
    </Button>
  );

  return (
    <div className="mx-auto grid max-w-6xl grid-cols-[minmax(0,1fr)] gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
          <p className="text-sm text-muted-foreground">People who can sign in to this tenant.</p>
        </div>
        {newUser}
      </div>
      <div className="flex flex-col gap-2 sm:flex-row" role="search" aria-label="Filter users">
        <div className="relative flex-1">
          <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden="true" />
          <Input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search name or email"
            aria-label="Search users by name or email"
            className="pl-8"
            maxLength={200}
          />
        </div>
        <Select
          aria-label="Status"
          className="sm:w-44"
          value={state.filters.status ?? ""}
          onChange={(e) => list.setFilters({ filters: { status: e.target.value || undefined } })}
        >
          <option value="">All statuses</option>
          <option value="active">Active</option>
          <option value="pending">Pending</option>
          <option value="inactive">Inactive</option>
        </Select>
      </div>
      <DataTable
        caption="Users"
        tableId="users"
        rowTestId="user-row"
        columns={COLUMNS}
        rowKey={(u) => u.id}
        onRowClick={(u) => void navigate(`/users/${u.id}`)}
        {...list.table}
        empty={
          list.filtered ? (
            <EmptyState
              icon={SearchX}
              title="No users match these filters."
              description="Try other words, or another status."
              action={
                <Button
                  variant="outline"
                  size="sm"
                  onClick={() => {
                    setSearch("");
                    list.clearFilters();
                  }}
                >
                  <X aria-hidden="true" /> Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={Users}
              title="No users yet."
              description="Users are the people who sign in to FireLater: agents, approvers and requesters."
              action={newUser}
            />
          )
        }
      />
      <CreateUserDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}
