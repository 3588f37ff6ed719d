/**
 * Moving through a list by keyboard: `j` the next row, `k` the one before, from no row to the
 * first (or the last, going up); it stops at the ends instead of wrapping.
 */
export function nextActive(active: number | null, count: number, key: "j" | "k"): number | null {
  if (count <= 0) return null;
  if (active === null || active >= count) return key === "j" ? 0 : count - 1;
  return key === "j" ? Math.min(active + 1, count - 1) : Math.max(active - 1, 0);
}
