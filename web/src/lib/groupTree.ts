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
