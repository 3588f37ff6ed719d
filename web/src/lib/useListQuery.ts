/**
 * The one way a page lists things: the list's state (page, page size, sort, order, search,
 * filters) is read from and written to the URL, and the page it names is fetched through the
 * typed client with TanStack Query. `table` is what `DataTable` takes, so a list page is
 *
 * ```tsx
 * const list = useListQuery({ spec, queryKey: ["users", "list"], fetch: (query) =>
 *   unwrap(api.GET("/api/v1/users", { params: { query } })) });
 * <DataTable caption="Users" columns={COLUMNS} rowKey={(u) => u.id} empty={…} {...list.table} />
 * ```
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import * as React from "react";
import type { PageMeta } from "@/components/DataTable";
import {
  isFiltered,
  listStateToQuery,
  toggleSort,
  withFilter,
  withoutFilters,
  type ListQuery,
  type ListSpec,
  type ListState,
} from "./tableState";
import { useDebounced } from "./useDebounced";
import { useListState } from "./useListState";

/** A page of a list as the API answers it. */
export interface Paged<T> {
  data: T[];
  meta: PageMeta;
}

export interface ListQueryOptions<S extends string, F extends string, T> {
  spec: ListSpec<S, F>;
  /** The list's query key; the API query is appended, so invalidating this key refreshes it. */
  queryKey: readonly unknown[];
  /** Fetches one page through the typed client. */
  fetch: (query: ListQuery<S, F>) => Promise<Paged<T>>;
}

export function useListQuery<S extends string, F extends string, T>({ spec, queryKey, fetch }: ListQueryOptions<S, F, T>) {
  const [state, setState] = useListState(spec);
  const query = React.useMemo(() => listStateToQuery(state), [state]);
  const result = useQuery({
    queryKey: [...queryKey, query],
    queryFn: () => fetch(query),
    // The last page stays on screen while the next one loads: no flash of skeletons.
    placeholderData: keepPreviousData,
  });
  const set = React.useCallback((next: ListState<S, F>, opts?: { replace?: boolean }) => setState(next, opts), [setState]);
  return {
    state,
    /** The API query of the current state (for an export of the same list). */
    query,
    /** Replaces the whole state (a new history entry unless `replace`). */
    setState: set,
    /** The TanStack Query result of the current page. */
    result,
    /** Whether a search or filter narrows the list. */
    filtered: isFiltered(state),
    /** Changes the search or some filters, back on the first page. */
    setFilters: (change: { q?: string; filters?: Partial<Record<F, string | undefined>> }, opts?: { replace?: boolean }) =>
      set(withFilter(state, change), opts),
    clearFilters: () => set(withoutFilters(state)),
    /** The props `DataTable` takes for paging, sorting, loading and errors. */
    table: {
      rows: result.data?.data,
      meta: result.data?.meta,
      sort: state.sort,
      order: state.order,
      onSort: (column: S) => set(toggleSort(state, column)),
      onPage: (page: number) => set({ ...state, page }),
      perPage: state.perPage,
      perPageOptions: spec.perPageOptions,
      onPerPage: (perPage: number) => set({ ...state, perPage, page: 1 }),
      isLoading: result.isPending,
      isFetching: result.isFetching,
      error: result.error,
      onRetry: () => void result.refetch(),
    },
  };
}

/**
 * A list's search box: what is typed goes to the URL's `q` 300 ms after the last key
 * (replacing the history entry), and a `q` that changes in the URL (Back, a pasted link)
 * comes back into the box.
 */
export function useSearchBox(list: {
  state: { q: string };
  setFilters: (change: { q?: string }, opts?: { replace?: boolean }) => void;
}): [string, (text: string) => void] {
  const q = list.state.q;
  const [search, setSearch] = React.useState(q);
  const debounced = useDebounced(search, 300);
  const [shownQ, setShownQ] = React.useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    setSearch(q);
  }
  const setFilters = list.setFilters;
  React.useEffect(() => {
    if (debounced.trim() !== q.trim()) setFilters({ q: debounced }, { replace: true });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps -- only a new search term moves the URL
  return [search, setSearch];
}
