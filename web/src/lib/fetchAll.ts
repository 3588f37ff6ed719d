/**
 * Every item of a paged list: the first page, then the others (`total_pages` from the first
 * answer) side by side. For what must show whole, such as the group tree; a list a person
 * pages through uses `useListQuery` instead.
 */
import type { Paged } from "./useListQuery";

/** The largest page the API serves. */
export const MAX_PER_PAGE = 100;

/**
 * Fetches pages 1…total_pages with `fetchPage` and concatenates them; an item that moved to
 * a later page between two requests (`key` seen before) is kept once.
 */
export async function fetchAllPages<T>(fetchPage: (page: number) => Promise<Paged<T>>, key: (item: T) => string): Promise<T[]> {
  const first = await fetchPage(1);
  const pages = Math.max(1, first.meta.total_pages);
  const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => fetchPage(i + 2)));
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of [first, ...rest].flatMap((p) => p.data)) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}
