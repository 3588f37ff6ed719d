/**
 * Every item of a paged list, for the few places that need the whole set at once (the roles
 * to tick on a user, your own sessions): it asks for page after page, at the largest size the
 * API takes, until the last, so nothing is cut off silently at one page.
 *
 *   queryFn: () => fetchAllPages((page) => unwrap(api.GET("/api/v1/roles", { params: { query: { page, per_page: 100 } } })))
 */
import type { Paged } from "./useListQuery";

/** The largest `per_page` the API accepts. */
export const MAX_PER_PAGE = 100;

/** A safety stop: a list this long is not meant to be loaded whole. */
const MAX_PAGES = 100;

export async function fetchAllPages<T>(fetchPage: (page: number) => Promise<Paged<T>>): Promise<Paged<T>> {
  const first = await fetchPage(1);
  const items = [...first.data];
  const pages = Math.min(first.meta.total_pages, MAX_PAGES);
  for (let page = 2; page <= pages; page++) {
    const next = await fetchPage(page);
    items.push(...next.data);
    if (next.data.length === 0) break;
  }
  return { data: items, meta: { ...first.meta, page: 1, per_page: items.length, total_pages: 1 } };
}
