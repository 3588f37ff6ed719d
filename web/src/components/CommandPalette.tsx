import { useQuery } from "@tanstack/react-query";
import { CornerDownLeft, Keyboard, LogOut, Moon, Network, ShieldCheck, Sun, UserRound } from "lucide-react";
import * as React from "react";
import { useNavigate } from "react-router";
import { api, unwrap } from "@/api/client";
import { useAuth } from "@/auth/auth";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { fetchAllPages, MAX_PER_PAGE } from "@/lib/fetchAll";
import { toggleTheme, useDarkTheme } from "@/lib/theme";
import { useDebounced } from "@/lib/useDebounced";
import { cn } from "@/lib/utils";
import { visibleCreate, visibleNav } from "@/nav";

interface Entry {
  id: string;
  label: string;
  hint: string;
  /** A page to open, or a command to run. */
  to?: string;
  run?: () => void;
  keywords?: string;
  icon: React.ComponentType<{ className?: string; "aria-hidden"?: boolean | "true" }>;
}

function matches(needle: string, ...texts: (string | undefined | null)[]): boolean {
  return !needle || texts.join(" ").toLowerCase().includes(needle);
}

/**
 * Ctrl/⌘-K (or `/`): run a command ("New user", "Toggle theme", "Sign out"), jump to a page,
 * or find a user, group or role by name.
 */
export function CommandPalette({
  open,
  onOpenChange,
  onShowShortcuts,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onShowShortcuts: () => void;
}) {
  const { can, logout } = useAuth();
  const navigate = useNavigate();
  const dark = useDarkTheme();
  const [text, setText] = React.useState("");
  const [active, setActive] = React.useState(0);
  const q = useDebounced(text.trim(), 200);
  const canSearchUsers = can("users:read");
  const canSearchGroups = can("groups:read");
  const canSearchRoles = can("roles:read");

  const groups = useQuery({
    queryKey: ["palette", "groups", q],
    queryFn: () => unwrap(api.GET("/api/v1/groups", { params: { query: { q, per_page: 5 } } })),
    enabled: open && canSearchGroups && q.length >= 2,
    staleTime: 10_000,
  });
  // Roles are few and the API does not search them: all of them, filtered here.
  const roles = useQuery({
    queryKey: ["palette", "roles"],
    queryFn: () =>
      fetchAllPages(
        (page) => unwrap(api.GET("/api/v1/roles", { params: { query: { page, per_page: MAX_PER_PAGE } } })),
        (r) => r.id,
      ),
    enabled: open && canSearchRoles,
    staleTime: 60_000,
  });

  const users = useQuery({
    queryKey: ["palette", "users", q],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { q, per_page: 6 } } })),
    enabled: open && canSearchUsers && q.length >= 2,
    staleTime: 10_000,
  });

  const entries = React.useMemo<Entry[]>(() => {
    const needle = text.trim().toLowerCase();
    const commands: Entry[] = [
      ...visibleCreate(can).map((i) => ({ id: `new:${i.to}`, label: i.label, hint: "Command", to: i.to, icon: i.icon, keywords: i.keywords })),
      {
        id: "cmd:theme",
        label: dark ? "Switch to light theme" : "Switch to dark theme",
        hint: "Command",
        run: toggleTheme,
        icon: dark ? Sun : Moon,
        keywords: "theme dark light mode appearance",
      },
      { id: "cmd:shortcuts", label: "Keyboard shortcuts", hint: "Command", run: onShowShortcuts, icon: Keyboard, keywords: "keys help ?" },
      { id: "cmd:logout", label: "Sign out", hint: "Command", run: () => void logout(), icon: LogOut, keywords: "log out leave exit" },
    ].filter((c) => matches(needle, c.label, c.keywords));
    const pages = visibleNav(can)
      .filter((i) => matches(needle, i.label, i.keywords))
      .map((i) => ({ id: `page:${i.to}`, label: i.label, hint: "Page", to: i.to, icon: i.icon }));
    const foundGroups =
      q.length >= 2
        ? (groups.data?.data ?? []).map((g) => ({
            id: `group:${g.id}`,
            label: g.name,
            hint: "Group",
            to: `/admin/groups/${g.id}`,
            icon: Network,
          }))
        : [];
    const foundRoles = needle
      ? (roles.data ?? [])
          .filter((r) => matches(needle, r.display_name, r.name))
          .slice(0, 5)
          .map((r) => ({
            id: `role:${r.id}`,
            label: r.display_name,
            hint: "Role",
            to: `/admin/roles?role=${r.id}`,
            icon: ShieldCheck,
          }))
      : [];
    const found =
      q.length >= 2
        ? (users.data?.data ?? []).map((u) => ({
            id: `user:${u.id}`,
            label: u.name,
            hint: u.email,
            to: `/users/${u.id}`,
            icon: UserRound,
          }))
        : [];
    // With nothing typed, pages first; a search puts commands first ("new", "sign out").
    return needle ? [...commands, ...pages, ...found, ...foundGroups, ...foundRoles] : [...pages, ...commands];
  }, [text, q, can, users.data, groups.data, roles.data, dark, logout, onShowShortcuts]);

  const go = (e: Entry | undefined) => {
    if (!e) return;
    onOpenChange(false);
    setText("");
    if (e.run) e.run();
    else if (e.to) navigate(e.to);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, entries.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      go(entries[active]);
    }
  };

  const activeId = entries[active] ? `palette-${entries[active].id}` : undefined;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) setText("");
      }}
    >
      <DialogContent side="top" className="gap-0 overflow-hidden">
        <DialogTitle className="sr-only">Search and jump</DialogTitle>
        <DialogDescription className="sr-only">
          Type to run a command, find a page{canSearchUsers ? ", a user" : ""}
          {canSearchGroups ? ", a group" : ""}
          {canSearchRoles ? " or a role" : ""}; arrow keys choose, Enter opens.
        </DialogDescription>
        <input
          autoFocus
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Type a command, or search pages, people, groups…"
          aria-label="Search"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={activeId}
          aria-autocomplete="list"
          className="h-12 w-full border-b bg-transparent px-4 pr-12 text-sm outline-none placeholder:text-muted-foreground"
          data-testid="palette-input"
        />
        <ul id="palette-list" role="listbox" aria-label="Results" className="max-h-80 overflow-y-auto p-2">
          {entries.map((e, i) => (
            <li
              key={e.id}
              id={`palette-${e.id}`}
              role="option"
              aria-selected={i === active}
              onMouseMove={() => setActive(i)}
              onClick={() => go(e)}
              className={cn(
                "flex cursor-pointer items-center gap-3 rounded-md px-3 py-2 text-sm",
                i === active && "bg-accent text-accent-foreground",
              )}
            >
              <e.icon className="size-4 shrink-0" aria-hidden="true" />
              <span className="truncate">{e.label}</span>
              <span className="ml-auto truncate text-xs text-muted-foreground">{e.hint}</span>
              {i === active && <CornerDownLeft className="size-3 shrink-0 text-muted-foreground" aria-hidden="true" />}
            </li>
          ))}
          {entries.length === 0 && (
            <li className="px-3 py-6 text-center text-sm text-muted-foreground" role="presentation">
              {users.isFetching || groups.isFetching ? "Searching…" : "Nothing found."}
            </li>
          )}
        </ul>
      </DialogContent>
    </Dialog>
  );
}
