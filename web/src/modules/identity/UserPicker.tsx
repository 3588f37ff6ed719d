/**
 * Choosing a user by typing part of their name or email: a combobox (ARIA 1.2 pattern) that
 * asks the server (`GET /users?q=`) as you type and offers the first matches. Arrow keys move,
 * Enter picks, Escape closes; the chosen user shows by name with a button to clear it.
 */
import { useQuery } from "@tanstack/react-query";
import { Search, X } from "lucide-react";
import * as React from "react";
import { api, unwrap } from "@/api/client";
import { Input } from "@/components/ui/input";
import { useDebounced } from "@/lib/useDebounced";
import { cn } from "@/lib/utils";
import type { User } from "./users";

export interface PickedUser {
  id: string;
  name: string;
}

export function UserPicker({
  id,
  value,
  onChange,
  placeholder = "Type a name or email",
  className,
}: {
  /** The input's id, for its label. */
  id: string;
  value: PickedUser | null;
  onChange: (u: PickedUser | null) => void;
  placeholder?: string;
  className?: string;
}) {
  const [text, setText] = React.useState("");
  const [open, setOpen] = React.useState(false);
  const [active, setActive] = React.useState(0);
  const q = useDebounced(text.trim(), 200);
  const listId = `${id}-options`;
  const matches = useQuery({
    queryKey: ["users", "list", "picker", q],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { q, per_page: 8, sort: "name", order: "asc" } } })),
    enabled: open && q.length > 0,
    staleTime: 30_000,
  });
  const options: User[] = q.length > 0 ? (matches.data?.data ?? []) : [];

  const pick = (u: User) => {
    onChange({ id: u.id, name: u.name });
    setText("");
    setOpen(false);
  };

  if (value)
    return (
      <div className={cn("flex h-9 items-center gap-2 rounded-md border border-input bg-background px-3 text-sm", className)}>
        <span className="min-w-0 flex-1 truncate" data-testid={`${id}-value`}>
          {value.name}
        </span>
        <button
          type="button"
          onClick={() => onChange(null)}
          className="rounded-sm opacity-70 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-ring"
          aria-label={`Clear ${value.name}`}
        >
          <X className="size-4" aria-hidden="true" />
        </button>
      </div>
    );

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, Math.max(options.length - 1, 0)));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      const u = options[active];
      if (open && u) {
        e.preventDefault();
        pick(u);
      }
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setOpen(false);
    }
  };

  const showList = open && q.length > 0;
  return (
    <div className={cn("relative", className)}>
      <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden="true" />
      <Input
        id={id}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && options[active] ? `${listId}-${options[active].id}` : undefined}
        autoComplete="off"
        spellCheck={false}
        className="pl-8"
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        maxLength={200}
      />
      {showList && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Matching users"
          className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-md border bg-popover p-1 text-sm text-popover-foreground shadow-md"
        >
          {options.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${u.id}`}
              role="option"
              aria-selected={i === active}
              // Before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(u);
              }}
              onMouseEnter={() => setActive(i)}
              className={cn("cursor-pointer rounded px-2 py-1.5", i === active && "bg-accent text-accent-foreground")}
            >
              <span className="block truncate font-medium">{u.name}</span>
              <span className="block truncate text-xs text-muted-foreground">{u.email}</span>
            </li>
          ))}
          {options.length === 0 && (
            <li role="option" aria-selected={false} aria-disabled="true" className="px-2 py-1.5 text-muted-foreground">
              {matches.isFetching ? "Searching…" : "No user matches."}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
