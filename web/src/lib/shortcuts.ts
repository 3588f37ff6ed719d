/**
 * Single-key shortcuts. The app shell binds the global ones (`/` search, `?` this list,
 * `g` then a letter to go somewhere); a page binds its own while it is shown:
 *
 *   useShortcut("c", "New user", () => setCreating(true), can("users:create"));
 *
 * Keys are ignored while typing in a field, while a dialog is open, or with Ctrl, Alt or ⌘
 * held. The `?` overlay lists every shortcut bound at that moment, so the list never lies.
 */
import * as React from "react";

export interface Shortcut {
  key: string;
  label: string;
  /** Where the overlay lists it: "Global", "This page", "Lists". */
  group: string;
}

interface Binding extends Shortcut {
  id: number;
  run: (e: KeyboardEvent) => void;
}

let nextId = 1;
let bindings: Binding[] = [];
const listeners = new Set<() => void>();

function changed() {
  listeners.forEach((l) => l());
}

/** Whether a key press belongs to a field or a dialog rather than to the page. */
export function typingOrModal(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const t = e.target as HTMLElement | null;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return true;
  // Enter on a link, button or tree item belongs to it.
  if (e.key === "Enter" && t?.closest?.("a, button, summary, [role=button], [role=treeitem], [role=option]")) return true;
  return document.querySelector("[role=dialog], [role=alertdialog]") !== null;
}

function onKeyDown(e: KeyboardEvent) {
  if (e.defaultPrevented || typingOrModal(e)) return;
  // The latest binding of a key wins: a page's `c` over nothing, a nested panel's over its page.
  for (let i = bindings.length - 1; i >= 0; i--) {
    const b = bindings[i]!;
    if (b.key === e.key) {
      e.preventDefault();
      b.run(e);
      return;
    }
  }
}

let installed = false;
function install() {
  if (installed || typeof window === "undefined") return;
  installed = true;
  window.addEventListener("keydown", onKeyDown);
}

/** Binds `key` while the calling component is mounted and `enabled`. */
export function useShortcut(key: string, label: string, run: () => void, enabled = true, group = "This page"): void {
  const runRef = React.useRef(run);
  React.useEffect(() => {
    runRef.current = run;
  });
  React.useEffect(() => {
    if (!enabled) return;
    install();
    const b: Binding = { id: nextId++, key, label, group, run: () => runRef.current() };
    bindings = [...bindings, b];
    changed();
    return () => {
      bindings = bindings.filter((x) => x.id !== b.id);
      changed();
    };
  }, [key, label, group, enabled]);
}

function snapshot(): Binding[] {
  return bindings;
}

/** Every shortcut bound now, for the `?` overlay (one entry per key, the one that would run). */
export function useBoundShortcuts(): Shortcut[] {
  const all = React.useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    snapshot,
    snapshot,
  );
  return React.useMemo(() => {
    const seen = new Map<string, Shortcut>();
    for (const b of all) seen.set(b.key, { key: b.key, label: b.label, group: b.group });
    return [...seen.values()];
  }, [all]);
}
