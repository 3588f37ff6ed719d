/**
 * Picks one item from a list too long to load: a search-as-you-type combobox that asks the
 * server (`?q=…`) for what matches the typed text, so nothing past the first page is out of
 * reach. WAI-ARIA combobox with a listbox popup: ArrowDown opens and moves, ArrowUp moves,
 * Enter picks, Escape closes and puts back the chosen item's name; leaving the field does too.
 *
 *   <SearchPicker id="parent" label="Parent group" queryKey={["groups", "pick"]}
 *     search={(q) => unwrap(api.GET("/api/v1/groups", { params: { query: { q, per_page: 20 } } }))}
 *     itemKey={(g) => g.id} itemText={(g) => g.name} value={parent} onChange={setParent}
 *     clearLabel="None (top level)" />
 */
import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import * as React from "react";
import { errorMessage } from "@/api/problem";
import { inputClass, Label } from "@/components/ui/input";
import { useDebounced } from "@/lib/useDebounced";
import { cn } from "@/lib/utils";

/** What the search answers: a page of matches and, when known, how many match in all. */
export interface SearchResult<T> {
  data: T[];
  meta?: { total: number };
}

export interface SearchPickerProps<T> {
  /** The input's id; the listbox and options derive theirs from it. */
  id: string;
  label: string;
  /** The items matching `q` (an empty `q` for the first ones), one page from the server. */
  search: (q: string) => Promise<SearchResult<T>>;
  /** The search's cache key; the text is appended. */
  queryKey: readonly unknown[];
  itemKey: (item: T) => string;
  /** The item's name, shown in the field once chosen. */
  itemText: (item: T) => string;
  /** An option's content; `itemText` when absent. */
  renderItem?: (item: T) => React.ReactNode;
  value: T | null;
  onChange: (item: T | null) => void;
  /** Items that may not be picked (a group's own sub-groups as its parent, say). */
  exclude?: (item: T) => boolean;
  placeholder?: string;
  hint?: string;
  error?: string;
  /** When set, the value may be cleared: the field shows this as its placeholder. */
  clearLabel?: string;
  disabled?: boolean;
  className?: string;
}

export function SearchPicker<T>({
  id,
  label,
  search,
  queryKey,
  itemKey,
  itemText,
  renderItem,
  value,
  onChange,
  exclude,
  placeholder,
  hint,
  error,
  clearLabel,
  disabled,
  className,
}: SearchPickerProps<T>) {
  const chosenText = value ? itemText(value) : "";
  // What the person typed; `null` while they are not typing, when the field shows the value.
  const [draft, setDraft] = React.useState<string | null>(null);
  const typed = draft !== null;
  const text = draft ?? chosenText;
  const [open, setOpen] = React.useState(false);
  const [active, setActive] = React.useState(0);

  const term = useDebounced(typed ? text.trim() : "", 200);
  const result = useQuery({
    queryKey: [...queryKey, term],
    queryFn: () => search(term),
    enabled: open,
    staleTime: 10_000,
  });
  const options = (result.data?.data ?? []).filter((i) => !exclude?.(i));
  const total = result.data?.meta?.total;
  const settled = !result.isFetching && term === (typed ? text.trim() : "");
  const shown = open && options.length > 0;
  const activeIndex = Math.min(active, Math.max(options.length - 1, 0));
  const optionId = (i: number) => `${id}-option-${i}`;
  const listId = `${id}-listbox`;
  const statusId = `${id}-status`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;

  React.useEffect(() => {
    if (!shown) return;
    document.getElementById(optionId(activeIndex))?.scrollIntoView?.({ block: "nearest" });
  });

  const close = () => {
    setOpen(false);
    setDraft(null);
  };
  const pick = (item: T) => {
    onChange(item);
    setOpen(false);
    setDraft(null);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else setActive(Math.min(activeIndex + 1, options.length - 1));
        break;
      case "ArrowUp":
        e.preventDefault();
        if (open) setActive(Math.max(activeIndex - 1, 0));
        break;
      case "Home":
      case "End":
        if (shown) {
          e.preventDefault();
          setActive(e.key === "Home" ? 0 : options.length - 1);
        }
        break;
      case "Enter":
        if (open) {
          // Never submits the surrounding form while the list is open.
          e.preventDefault();
          const item = options[activeIndex];
          if (item && settled) pick(item);
        }
        break;
      case "Escape":
        if (open || typed) {
          // Closes the list, not the dialog around it.
          e.preventDefault();
          e.stopPropagation();
          close();
        }
        break;
    }
  };

  let status: string | null = null;
  if (open) {
    if (result.error) status = `Could not search: ${errorMessage(result.error)}`;
    else if (!settled && options.length === 0) status = "Searching…";
    else if (result.data && result.data.data.length > 0 && options.length === 0) status = "What matches cannot be picked here.";
    else if (result.data && options.length === 0) status = term ? `Nothing matches “${term}”.` : "Nothing to pick.";
    else if (total !== undefined && result.data && total > result.data.data.length)
      status = `${options.length} of ${total} shown; type to narrow.`;
  }
  const describedBy = [error ? errorId : null, hint && !error ? hintId : null].filter(Boolean).join(" ") || undefined;

  return (
    <div className={cn("grid gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      <div className="relative">
        <input
          id={id}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={shown ? optionId(activeIndex) : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          placeholder={placeholder ?? clearLabel ?? "Type to search"}
          className={cn(inputClass, value && clearLabel && "pr-8")}
          value={text}
          onChange={(e) => {
            setDraft(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onClick={() => setOpen(true)}
          onKeyDown={onKeyDown}
          onBlur={close}
        />
        {value && clearLabel && !disabled && (
          <button
            type="button"
            className="absolute top-1/2 right-1.5 -translate-y-1/2 rounded-sm p-1 text-muted-foreground hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
            aria-label={`Clear ${label.toLowerCase()}: ${clearLabel}`}
            onClick={() => {
              onChange(null);
              setDraft(null);
            }}
          >
            <X className="size-3.5" aria-hidden="true" />
          </button>
        )}
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label={label}
        hidden={!shown}
        // In the flow, not floating: a dialog or a scrolling card around it never cuts it off.
        className="max-h-64 overflow-y-auto rounded-md border bg-popover p-1 text-popover-foreground shadow-md"
      >
        {shown &&
          options.map((item, i) => (
            <li
              key={itemKey(item)}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex}
              className={cn(
                "cursor-pointer truncate rounded-sm px-2 py-1.5 text-sm",
                i === activeIndex && "bg-accent text-accent-foreground",
              )}
              // Keeps the focus in the field, so the blur does not close the list first.
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i !== activeIndex && setActive(i)}
              onClick={() => pick(item)}
            >
              {renderItem ? renderItem(item) : itemText(item)}
            </li>
          ))}
      </ul>
      <p id={statusId} role="status" className={cn("text-xs text-muted-foreground", !status && "sr-only")}>
        {status}
      </p>
      {hint && !error && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
