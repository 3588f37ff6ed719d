/** How an audit entry's `changes` shows: a field-level old → new diff, or plain details. */

export interface DiffRow {
  field: string;
  old: unknown;
  new: unknown;
}

export type ChangesView = { kind: "diff"; rows: DiffRow[] } | { kind: "details"; rows: { field: string; value: unknown }[] } | { kind: "none" };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function changesView(changes: Record<string, unknown> | null | undefined): ChangesView {
  if (!changes || Object.keys(changes).length === 0) return { kind: "none" };
  const entries = Object.entries(changes).sort(([a], [b]) => a.localeCompare(b));
  const isDiff = entries.every(([, v]) => isRecord(v) && ("old" in v || "new" in v) && Object.keys(v).every((k) => k === "old" || k === "new"));
  if (isDiff)
    return {
      kind: "diff",
      rows: entries.map(([field, v]) => {
        const r = v as { old?: unknown; new?: unknown };
        return { field, old: r.old ?? null, new: r.new ?? null };
      }),
    };
  return { kind: "details", rows: entries.map(([field, value]) => ({ field, value })) };
}

/** A value as short text: empty for null, JSON for objects and lists. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v === "" ? '""' : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** A `datetime-local` value (local time) as RFC 3339 for the API; undefined when empty or invalid. */
export function localToRfc3339(v: string | null | undefined): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
