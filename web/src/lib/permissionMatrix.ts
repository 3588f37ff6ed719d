/**
 * The permission matrix of the roles page: resources as rows, actions as columns, and the
 * role's permission set (`resource:action` keys) as the checked cells.
 */

export interface PermissionDef {
  key: string;
  resource: string;
  action: string;
  description: string;
}

export interface Matrix {
  resources: string[];
  actions: string[];
  /** `resource:action` → its definition, for the cells that exist. */
  cells: Map<string, PermissionDef>;
}

/** Preferred column order; other actions follow in alphabetical order. */
const ACTION_ORDER = ["read", "create", "update", "delete", "admin"];

function actionRank(a: string): number {
  const i = ACTION_ORDER.indexOf(a);
  return i === -1 ? ACTION_ORDER.length : i;
}

export function buildMatrix(perms: readonly PermissionDef[]): Matrix {
  const resources = [...new Set(perms.map((p) => p.resource))].sort();
  const actions = [...new Set(perms.map((p) => p.action))].sort(
    (a, b) => actionRank(a) - actionRank(b) || a.localeCompare(b),
  );
  const cells = new Map(perms.map((p) => [`${p.resource}:${p.action}`, p]));
  return { resources, actions, cells };
}

/** The set with `key` switched. */
export function toggle(selected: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(selected);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

function keysOfRow(m: Matrix, resource: string): string[] {
  return m.actions.map((a) => `${resource}:${a}`).filter((k) => m.cells.has(k));
}

/** `all`, `none` or `some` of a resource's permissions are in the set. */
export function rowState(m: Matrix, selected: ReadonlySet<string>, resource: string): "all" | "none" | "some" {
  const keys = keysOfRow(m, resource);
  const n = keys.filter((k) => selected.has(k)).length;
  return n === 0 ? "none" : n === keys.length ? "all" : "some";
}

/** Grants all of a resource's permissions, or (when all are granted) removes them all. */
export function toggleRow(m: Matrix, selected: ReadonlySet<string>, resource: string): Set<string> {
  const keys = keysOfRow(m, resource);
  const next = new Set(selected);
  const all = keys.every((k) => next.has(k));
  for (const k of keys) {
    if (all) next.delete(k);
    else next.add(k);
  }
  return next;
}

/** The set as the sorted list the API takes; keys the matrix does not know are kept. */
export function toList(selected: ReadonlySet<string>): string[] {
  return [...selected].sort();
}

/** True when both sets hold the same keys. */
export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}
