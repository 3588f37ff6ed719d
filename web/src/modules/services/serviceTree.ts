/**
 * The pure rules of the service pages: the portfolio as a tree from each service's
 * `parent_service_id`, its search and filters (keeping every match's ancestors), the roll-up
 * of cost and worst status down a subtree, the parents a service may move under, and money.
 */
import { buildTree, subtreeIds, type TreeNode } from "@/lib/groupTree";
import type { Service, ServiceStatus, ServiceType } from "./types";

/** A service as the shared tree helpers see it: its parent as `parent_id`. */
export type TreeService = Service & { parent_id: string | null };

export function asTreeItems(services: readonly Service[]): TreeService[] {
  return services.map((s) => ({ ...s, parent_id: s.parent_service_id ?? null }));
}

/** The roots (services without a live parent in the list) with their descendants, by name. */
export function buildServiceTree(services: readonly Service[]): TreeNode<TreeService>[] {
  return buildTree(asTreeItems(services));
}

/** Best to worst, as the API ranks them for the roll-up. */
export const STATUS_ORDER: readonly ServiceStatus[] = ["active", "design", "deprecated", "retired"];

/** The worst of some statuses (`active` for none). */
export function worstStatus(statuses: Iterable<ServiceStatus>): ServiceStatus {
  let worst = 0;
  for (const s of statuses) worst = Math.max(worst, STATUS_ORDER.indexOf(s));
  return STATUS_ORDER[worst] ?? "active";
}

/** An amount in whole cents, so sums of two-decimal amounts stay exact. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export interface SubtreeRollup {
  /** The service and everything below it. */
  count: number;
  totalCents: number;
  worst: ServiceStatus;
}

/**
 * For every service, the sum of `total_cost` and the worst status over it and its
 * descendants, from the flat list (as the tree rows show them); a cycle in the data (which
 * the API refuses) cannot loop.
 */
export function subtreeRollups(services: readonly Service[]): Map<string, SubtreeRollup> {
  const byId = new Map(services.map((s) => [s.id, s]));
  const children = new Map<string, string[]>();
  for (const s of services) {
    const p = s.parent_service_id;
    if (p && p !== s.id && byId.has(p)) children.set(p, [...(children.get(p) ?? []), s.id]);
  }
  const out = new Map<string, SubtreeRollup>();
  for (const s of services) {
    if (out.has(s.id)) continue;
    // Every service below `s`, once each, however the data is shaped.
    let count = 0;
    let cents = 0;
    const statuses: ServiceStatus[] = [];
    const seen = new Set<string>();
    const stack = [s.id];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = byId.get(id)!;
      const known = id !== s.id ? out.get(id) : undefined;
      if (known) {
        // A subtree already summed (and, the data being a tree, disjoint from the rest).
        count += known.count;
        cents += known.totalCents;
        statuses.push(known.worst);
        continue;
      }
      count++;
      cents += toCents(node.total_cost);
      statuses.push(node.status);
      stack.push(...(children.get(id) ?? []));
    }
    out.set(s.id, { count, totalCents: cents, worst: worstStatus(statuses) });
  }
  return out;
}

export interface TreeFilter {
  /** Words in the name, number or domain (any case). */
  q?: string;
  type?: ServiceType | "";
  status?: ServiceStatus | "";
}

export function isFiltering(f: TreeFilter): boolean {
  return !!(f.q?.trim() || f.type || f.status);
}

export function matchesFilter(s: Service, f: TreeFilter): boolean {
  const q = f.q?.trim().toLocaleLowerCase() ?? "";
  if (f.type && s.type !== f.type) return false;
  if (f.status && s.status !== f.status) return false;
  if (!q) return true;
  return [s.name, s.number, s.domain ?? ""].some((t) => t.toLocaleLowerCase().includes(q));
}

/**
 * The tree cut down to the services that match and their ancestors (shown for context, not
 * counted); `open` holds those ancestors, to expand so every match shows. No filter keeps the
 * whole tree and opens nothing.
 */
export function filterServiceTree(
  nodes: readonly TreeNode<TreeService>[],
  f: TreeFilter,
): { nodes: TreeNode<TreeService>[]; open: Set<string>; matches: number; matched: Set<string> } {
  const open = new Set<string>();
  const matched = new Set<string>();
  if (!isFiltering(f)) return { nodes: [...nodes], open, matches: 0, matched };
  const walk = (list: readonly TreeNode<TreeService>[]): TreeNode<TreeService>[] =>
    list.flatMap((n) => {
      const children = walk(n.children);
      const hit = matchesFilter(n.item, f);
      if (hit) matched.add(n.item.id);
      if (children.length > 0) open.add(n.item.id);
      return hit || children.length > 0 ? [{ ...n, children }] : [];
    });
  const kept = walk(nodes);
  return { nodes: kept, open, matches: matched.size, matched };
}

/**
 * The services `id` may not move under: itself and everything below it (a move there would
 * make a cycle, which the API refuses too).
 */
export function excludedParents(services: readonly Service[], id: string | null): Set<string> {
  return id ? subtreeIds(asTreeItems(services), id) : new Set();
}

/** The services above `id`, top first. */
export function servicePath(services: readonly Service[], id: string): Service[] {
  const byId = new Map(services.map((s) => [s.id, s]));
  const out: Service[] = [];
  const seen = new Set([id]);
  let p = byId.get(id)?.parent_service_id ?? null;
  while (p && byId.has(p) && !seen.has(p)) {
    const parent = byId.get(p)!;
    out.unshift(parent);
    seen.add(p);
    p = parent.parent_service_id ?? null;
  }
  return out;
}

const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount in the reader's number format with two decimals and no currency symbol. */
export function formatMoney(amount: number): string {
  return money.format(amount);
}

export function formatCents(cents: number): string {
  return money.format(cents / 100);
}

/**
 * A typed amount: `null` for an empty field when `optional`, else a number, or the reason it
 * is not one (negative, more than two decimals, not a number). Accepts "1234.5" and "1,234.50"
 * (commas as thousands separators).
 */
export function parseAmount(
  text: string,
  { max, optional }: { max?: number; optional?: boolean } = {},
): { ok: true; value: number | null } | { ok: false; message: string } {
  const t = text.trim().replace(/,/g, "");
  if (t === "") return optional ? { ok: true, value: null } : { ok: true, value: 0 };
  if (!/^\d+(\.\d+)?$/.test(t)) {
    return { ok: false, message: /^-/.test(t) ? "Enter 0 or more." : "Enter a number, such as 1250.00." };
  }
  if (/\.\d{3,}$/.test(t)) return { ok: false, message: "Use at most two decimals." };
  const value = Number(t);
  if (max !== undefined && value > max) return { ok: false, message: `Enter ${max} or less.` };
  return { ok: true, value };
}

export interface ChildShare {
  id: string;
  totalCents: number;
  /** The child's part of the largest child's total, 0–1, for a bar. */
  share: number;
}

/** Each child's total and its bar length next to the largest one. */
export function childShares(children: readonly { service_id: string; total_cost: number }[]): ChildShare[] {
  const cents = children.map((c) => ({ id: c.service_id, totalCents: toCents(c.total_cost) }));
  const max = Math.max(0, ...cents.map((c) => c.totalCents));
  return cents.map((c) => ({ ...c, share: max > 0 ? c.totalCents / max : 0 }));
}
