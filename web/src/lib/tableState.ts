/**
 * The state of a server-side list (page, page size, sort, filters, search) kept in the URL's
 * query, so a list can be bookmarked, shared and restored with Back. Defaults are left out
 * of the URL; unknown or invalid values fall back to the defaults.
 */

export type SortOrder = "asc" | "desc";

export interface ListState<S extends string, F extends string> {
  page: number;
  perPage: number;
  sort: S;
  order: SortOrder;
  q: string;
  filters: Partial<Record<F, string>>;
}

export interface ListSpec<S extends string, F extends string> {
  sorts: readonly S[];
  defaultSort: S;
  defaultOrder: SortOrder;
  /**
   * Each filter's allowed values (comma-separated choices; a value outside them is dropped),
   * or `"text"` for free text passed on as typed (trimmed, at most 255 characters).
   */
  filters: Record<F, readonly string[] | "text">;
  /** Whether the list has a text search (`q`); true when absent. */
  search?: boolean;
  /**
   * Families of free-text filters named by a prefix and a key (`attr.` for the CMDB's
   * `attr.os=Ubuntu`): any parameter `<prefix><key>` with a key of 1–64 letters, digits or
   * underscores is a filter, passed on as typed like a `"text"` one.
   */
  prefixes?: readonly string[];
  perPageOptions: readonly number[];
  defaultPerPage: number;
}

function positiveInt(v: string | null, fallback: number): number {
  if (v === null || !/^\d{1,7}$/.test(v)) return fallback;
  const n = Number(v);
  return n >= 1 ? n : fallback;
}

/** Reads the list state out of a query string. */
export function parseListState<S extends string, F extends string>(
  params: URLSearchParams,
  spec: ListSpec<S, F>,
): ListState<S, F> {
  const sortParam = params.get("sort");
  const sort = spec.sorts.find((s) => s === sortParam) ?? spec.defaultSort;
  const orderParam = params.get("order");
  const order: SortOrder = orderParam === "asc" || orderParam === "desc" ? orderParam : spec.defaultOrder;
  const perPageParam = positiveInt(params.get("per_page"), spec.defaultPerPage);
  const perPage = spec.perPageOptions.includes(perPageParam) ? perPageParam : spec.defaultPerPage;
  const filters: Partial<Record<F, string>> = {};
  for (const key of Object.keys(spec.filters) as F[]) {
    const raw = params.get(key);
    if (!raw) continue;
    const allowed = spec.filters[key];
    if (allowed === "text") {
      const text = raw.trim().slice(0, 255);
      if (text) filters[key] = text;
      continue;
    }
    const values = raw.split(",").filter((v) => allowed.includes(v));
    if (values.length > 0) filters[key] = values.join(",");
  }
  for (const [key, raw] of params) {
    if (!isPrefixed(key, spec)) continue;
    const text = raw.trim().slice(0, 255);
    if (text) filters[key as F] = text;
  }
  return {
    page: positiveInt(params.get("page"), 1),
    perPage,
    sort,
    order,
    q: spec.search === false ? "" : (params.get("q") ?? "").slice(0, 200),
    filters,
  };
}

const PREFIXED_KEY = /^[A-Za-z0-9_]{1,64}$/;

/** Whether `key` is a filter of one of the spec's prefixed families. */
export function isPrefixed<S extends string, F extends string>(key: string, spec: ListSpec<S, F>): boolean {
  return (spec.prefixes ?? []).some((p) => key.startsWith(p) && PREFIXED_KEY.test(key.slice(p.length)));
}

/** Writes the list state as a query string, leaving defaults out. */
export function listStateToParams<S extends string, F extends string>(
  state: ListState<S, F>,
  spec: ListSpec<S, F>,
): URLSearchParams {
  const p = new URLSearchParams();
  const q = state.q.trim();
  if (q) p.set("q", q);
  for (const key of Object.keys(spec.filters) as F[]) {
    const v = state.filters[key];
    if (v) p.set(key, v);
  }
  for (const key of (Object.keys(state.filters) as F[]).filter((k) => isPrefixed(k, spec)).sort()) {
    const v = state.filters[key];
    if (v) p.set(key, v);
  }
  if (state.sort !== spec.defaultSort) p.set("sort", state.sort);
  if (state.order !== spec.defaultOrder) p.set("order", state.order);
  if (state.perPage !== spec.defaultPerPage) p.set("per_page", String(state.perPage));
  if (state.page !== 1) p.set("page", String(state.page));
  return p;
}

/** A click on a column header: the same column flips its order, another starts ascending. */
export function toggleSort<S extends string, F extends string>(state: ListState<S, F>, column: S): ListState<S, F> {
  if (state.sort === column) return { ...state, order: state.order === "asc" ? "desc" : "asc", page: 1 };
  return { ...state, sort: column, order: "asc", page: 1 };
}

/** A change of search or filters goes back to the first page. */
export function withFilter<S extends string, F extends string>(
  state: ListState<S, F>,
  change: { q?: string; filters?: Partial<Record<F, string | undefined>> },
): ListState<S, F> {
  const filters = { ...state.filters };
  for (const [k, v] of Object.entries(change.filters ?? {}) as [F, string | undefined][]) {
    if (v?.trim()) filters[k] = v.trim();
    else delete filters[k];
  }
  return { ...state, q: change.q ?? state.q, filters, page: 1 };
}

/** The state with its search and every filter cleared, back on the first page. */
export function withoutFilters<S extends string, F extends string>(state: ListState<S, F>): ListState<S, F> {
  return { ...state, q: "", filters: {}, page: 1 };
}

/** Whether a search or filter narrows the list (so an empty page means "nothing matches"). */
export function isFiltered<S extends string, F extends string>(state: ListState<S, F>): boolean {
  return state.q.trim() !== "" || Object.values(state.filters).some((v) => !!v);
}

/** The query parameters of the API's list convention (see docs/API-DESIGN.md). */
export type ListQuery<S extends string, F extends string> = {
  page: number;
  per_page: number;
  sort: S;
  order: SortOrder;
  q?: string;
} & Partial<Record<F, string>>;

/** The query parameters of the API's list convention for this state. */
export function listStateToQuery<S extends string, F extends string>(state: ListState<S, F>): ListQuery<S, F> {
  return {
    page: state.page,
    per_page: state.perPage,
    sort: state.sort,
    order: state.order,
    ...(state.q.trim() ? { q: state.q.trim() } : {}),
    ...state.filters,
  };
}
