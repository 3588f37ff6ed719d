/**
 * Every page of a list, for the few places that need the whole of it at once (the groups
 * tree, the roles a user may be given): pages of 100 until the last, so nothing is cut.
 * Lists a person pages through use `useListQuery`; pickers over big lists ask the server as
 * the user types (`SearchPicker`).
 */
import type { Paged } from "./useListQuery";

export async function fetchAll<T>(fetchPage: (page: number, perPage: number) => Promise<Paged<T>>, perPage = 100): Promise<T[]> {
  const first = await fetchPage(1, perPage);
  const rest = await Promise.all(
    Array.from({ length: Math.max(first.meta.total_pages - 1, 0) }, (_, i) => fetchPage(i + 2, perPage)),
  );
  return [first, ...rest].flatMap((p) => p.data);
}
