/**
 * Columns chosen per user: each list with an id keeps the columns its user hid, in this
 * browser's storage under the user's id, so two people sharing a browser keep their own.
 */
import * as React from "react";

export function columnPrefsKey(userId: string, tableId: string): string {
  return `firelater.columns.${userId}.${tableId}`;
}

/** The hidden column keys kept for this user and list (none when nothing or garbage is kept). */
export function loadHidden(key: string): string[] {
  try {
    const raw = localStorage.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

export function saveHidden(key: string, hidden: readonly string[]): void {
  try {
    if (hidden.length === 0) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(hidden));
  } catch {
    // Private mode: the choice lasts until the page closes.
  }
}

/** The hidden columns of a list and a toggle; `key` null keeps them in memory only. */
export function useHiddenColumns(key: string | null): [ReadonlySet<string>, (column: string) => void] {
  const [hidden, setHidden] = React.useState<string[]>(() => (key ? loadHidden(key) : []));
  const [loadedKey, setLoadedKey] = React.useState(key);
  if (loadedKey !== key) {
    // Another user or list: read its own choice (during render, as React advises for derived state).
    setLoadedKey(key);
    setHidden(key ? loadHidden(key) : []);
  }
  const toggle = React.useCallback(
    (column: string) => {
      setHidden((h) => {
        const next = h.includes(column) ? h.filter((c) => c !== column) : [...h, column];
        if (key) saveHidden(key, next);
        return next;
      });
    },
    [key],
  );
  return [React.useMemo(() => new Set(hidden), [hidden]), toggle];
}
