/**
 * The keyboard of a tree view (WAI-ARIA tree pattern), as a pure function: given the rows
 * shown, the focused one and a key, what to do. The component applies the answer.
 *
 * ArrowDown/ArrowUp move to the next/previous row; ArrowRight opens a closed branch, or moves
 * into an open one's first child; ArrowLeft closes an open branch, or moves to the parent;
 * Home/End go to the first/last row; Enter (and Space) select the focused row.
 */

/** What the tree needs to know of a row. */
export interface TreeKeyRow {
  id: string;
  parentId: string | null;
  hasChildren: boolean;
  expanded: boolean;
}

export type TreeAction =
  | { type: "focus"; id: string }
  | { type: "expand"; id: string }
  | { type: "collapse"; id: string }
  | { type: "select"; id: string };

/** What `key` does with `focused` among `rows`; `null` when it does nothing (let it through). */
export function treeKeyAction(rows: readonly TreeKeyRow[], focused: string | null, key: string): TreeAction | null {
  if (rows.length === 0) return null;
  const i = rows.findIndex((r) => r.id === focused);
  // Nothing focused yet (or the focused row went away): any movement lands on the first row.
  if (i < 0) {
    if (["ArrowDown", "ArrowUp", "ArrowRight", "ArrowLeft", "Home"].includes(key)) return { type: "focus", id: rows[0]!.id };
    if (key === "End") return { type: "focus", id: rows[rows.length - 1]!.id };
    return null;
  }
  const row = rows[i]!;
  switch (key) {
    case "ArrowDown":
      return i + 1 < rows.length ? { type: "focus", id: rows[i + 1]!.id } : null;
    case "ArrowUp":
      return i > 0 ? { type: "focus", id: rows[i - 1]!.id } : null;
    case "Home":
      return i > 0 ? { type: "focus", id: rows[0]!.id } : null;
    case "End":
      return i < rows.length - 1 ? { type: "focus", id: rows[rows.length - 1]!.id } : null;
    case "ArrowRight":
      if (!row.hasChildren) return null;
      if (!row.expanded) return { type: "expand", id: row.id };
      return rows[i + 1]?.parentId === row.id ? { type: "focus", id: rows[i + 1]!.id } : null;
    case "ArrowLeft":
      if (row.hasChildren && row.expanded) return { type: "collapse", id: row.id };
      return row.parentId ? { type: "focus", id: row.parentId } : null;
    case "Enter":
    case " ":
      return { type: "select", id: row.id };
    default:
      return null;
  }
}
