import { useQuery } from "@tanstack/react-query";
import { CornerDownLeft, UserRound } from "lucide-react";
import * as React from "react";
import { useNavigate } from "react-router";
import { api, unwrap } from "@/api/client";
import { useAuth } from "@/auth/auth";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { useDebounced } from "@/lib/useDebounced";
import { cn } from "@/lib/utils";
import { visibleNav } from "@/nav";

interface Entry {
  id: string;
  label: string;
  hint: string;
  to: string;
  icon: React.ComponentType<{ className?: string; "aria-hidden"?: boolean | "true" }>;
}

/** Ctrl/⌘-K: jump to a page, or find a user by name or email. */
export function CommandPalette({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const { can } = useAuth();
  const navigate = useNavigate();
  const [text, setText] = React.useState("");
  const [active, setActive] = React.useState(0);
  const q = useDebounced(text.trim(), 200);
  const canSearchUsers = can("users:read");

  const users = useQuery({
    queryKey: ["palette", "users", q],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { q, per_page: 6 } } })),
    enabled: open && canSearchUsers && q.length >= 2,
    staleTime: 10_000,
  });

  const entries = React.useMemo<Entry[]>(() => {
    const needle = text.trim().toLowerCase();
    const pages = visibleNav(can)
      .filter((i) => !needle || `${i.label} ${i.keywords ?? ""}`.toLowerCase().includes(needle))
      .map((i) => ({ id: `page:${i.to}`, label: i.label, hint: "Page", to: i.to, icon: i.icon }));
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
    return [...pages, ...found];
  }, [text, q, can, users.data]);

  const go = (e: Entry | undefined) => {
    if (!e) return;
    onOpenChange(false);
    setText("");
    navigate(e.to);
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
          Type to find a page{canSearchUsers ? " or a user" : ""}; arrow keys choose, Enter opens.
        </DialogDescription>
        <input
          autoFocus
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder={canSearchUsers ? "Jump to a page or find a user…" : "Jump to a page…"}
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
              {users.isFetching ? "Searching…" : "Nothing found."}
            </li>
          )}
        </ul>
      </DialogContent>
    </Dialog>
  );
}
