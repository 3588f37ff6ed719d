/** Groups as a tree, from each group's `parent_id`. */

export interface TreeNode<T> {
  item: T;
  depth: number;
  children: TreeNode<T>[];
}

interface GroupLike {
  id: string;
  name: string;
  parent_id?: string | null;
}

/**
 * The roots (groups without a parent, or whose parent is not in the list) with their
 * descendants, sorted by name; a cycle in the data cannot loop.
 */
export function buildTree<T extends GroupLike>(items: readonly T[]): TreeNode<T>[] {
  const ids = new Set(items.map((i) => i.id));
  const byParent = new Map<string | null, T[]>();
  for (const i of items) {
    const p = i.parent_id && ids.has(i.parent_id) && i.parent_id !== i.id ? i.parent_id : null;
    byParent.set(p, [...(byParent.get(p) ?? []), i]);
  }
  const seen = new Set<string>();
  const build = (parent: string | null, depth: number): TreeNode<T>[] =>
    (byParent.get(parent) ?? [])
      .filter((i) => !seen.has(i.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((item) => {
        seen.add(item.id);
        return { item, depth, children: build(item.id, depth + 1) };
      });
  const roots = build(null, 0);
  // Groups in a cycle have no root above them: show them at the top.
  for (const i of [...items].sort((a, b) => a.name.localeCompare(b.name))) {
    if (seen.has(i.id)) continue;
    seen.add(i.id);
    roots.push({ item: i, depth: 0, children: build(i.id, 1) });
  }
  return roots;
}

/** The tree in display order, each node once. */
export function flatten<T>(nodes: readonly TreeNode<T>[]): TreeNode<T>[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/**
 * The tree cut down to the groups whose name contains `query` (any case) and their
 * ancestors; `open` holds those ancestors, to expand so every match shows. An empty query
 * keeps the whole tree and opens nothing.
 */
export function filterTree<T extends GroupLike>(
  nodes: readonly TreeNode<T>[],
  query: string,
): { nodes: TreeNode<T>[]; open: Set<string>; matches: number } {
  const q = query.trim().toLocaleLowerCase();
  const open = new Set<string>();
  if (!q) return { nodes: [...nodes], open, matches: 0 };
  let matches = 0;
  const walk = (list: readonly TreeNode<T>[]): TreeNode<T>[] =>
    list.flatMap((n) => {
      const children = walk(n.children);
      const hit = n.item.name.toLocaleLowerCase().includes(q);
      if (hit) matches++;
      if (children.length > 0) open.add(n.item.id);
      return hit || children.length > 0 ? [{ ...n, children }] : [];
    });
  return { nodes: walk(nodes), open, matches };
}

/** The ids of the groups above `id`, nearest first. */
export function ancestorIds<T extends GroupLike>(items: readonly T[], id: string): string[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const out: string[] = [];
  const seen = new Set([id]);
  let p = byId.get(id)?.parent_id ?? null;
  while (p && byId.has(p) && !seen.has(p)) {
    out.push(p);
    seen.add(p);
    p = byId.get(p)?.parent_id ?? null;
  }
  return out;
}

/** `id` and every group below it, at any depth. */
export function subtreeIds<T extends GroupLike>(items: readonly T[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const i of items) if (i.parent_id) children.set(i.parent_id, [...(children.get(i.parent_id) ?? []), i.id]);
  const out = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (out.has(cur)) continue;
    out.add(cur);
    stack.push(...(children.get(cur) ?? []));
  }
  return out;
}

/** A row of the tree as drawn: the expanded part of the tree, in display order. */
export interface VisibleRow<T> {
  item: T;
  id: string;
  /** 1 for a top-level group (as `aria-level`). */
  level: number;
  parentId: string | null;
  hasChildren: boolean;
  expanded: boolean;
  /** 1-based position among its siblings, and their number (`aria-posinset`, `aria-setsize`). */
  posInSet: number;
  setSize: number;
}

/** The rows a tree shows when the groups in `expanded` are open. */
export function visibleRows<T extends { id: string }>(
  nodes: readonly TreeNode<T>[],
  expanded: ReadonlySet<string>,
): VisibleRow<T>[] {
  const out: VisibleRow<T>[] = [];
  const walk = (list: readonly TreeNode<T>[], level: number, parentId: string | null) =>
    list.forEach((n, i) => {
      const open = n.children.length > 0 && expanded.has(n.item.id);
      out.push({
        item: n.item,
        id: n.item.id,
        level,
        parentId,
        hasChildren: n.children.length > 0,
        expanded: open,
        posInSet: i + 1,
        setSize: list.length,
      });
      if (open) walk(n.children, level + 1, n.item.id);
    });
  walk(nodes, 1, null);
  return out;
}
