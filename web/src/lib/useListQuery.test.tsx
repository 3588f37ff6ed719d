import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, waitFor } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ListQuery, ListSpec } from "./tableState";
import { useListQuery } from "./useListQuery";

afterEach(cleanup);

type S = "name" | "created_at";
type F = "status" | "action";
const spec: ListSpec<S, F> = {
  sorts: ["name", "created_at"],
  defaultSort: "name",
  defaultOrder: "asc",
  filters: { status: ["active", "inactive"], action: "text" },
  perPageOptions: [10, 25],
  defaultPerPage: 25,
};

type Hook = ReturnType<typeof useListQuery<S, F, string>>;

/** Renders the hook at `url`; returns the latest hook value, the current URL and the fetches. */
function setup(url: string) {
  const fetch = vi.fn(async (q: ListQuery<S, F>) => ({
    data: [`row of page ${q.page}`],
    meta: { page: q.page, per_page: q.per_page, total: 1, total_pages: 1 },
  }));
  const seen: { hook?: Hook; url?: string } = {};
  function Harness() {
    seen.hook = useListQuery({ spec, queryKey: ["things"], fetch });
    const loc = useLocation();
    seen.url = loc.search;
    return null;
  }
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[url]}>
        <Harness />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { fetch, seen: seen as Required<typeof seen> };
}

describe("useListQuery", () => {
  it("fetches the page the URL names", async () => {
    const { fetch, seen } = setup("/?status=active&action=user.updated&sort=created_at&order=desc&per_page=10&page=3");
    await waitFor(() => expect(seen.hook.table.rows).toEqual(["row of page 3"]));
    expect(fetch).toHaveBeenCalledWith({
      page: 3,
      per_page: 10,
      sort: "created_at",
      order: "desc",
      status: "active",
      action: "user.updated",
    });
    expect(seen.hook.filtered).toBe(true);
  });

  it("falls back to the defaults for missing or invalid values", async () => {
    const { fetch, seen } = setup("/?status=bogus&sort=nope&order=up&per_page=7&page=-1");
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(fetch).toHaveBeenCalledWith({ page: 1, per_page: 25, sort: "name", order: "asc" });
    expect(seen.hook.filtered).toBe(false);
  });

  it("writes sort, paging and filters back to the URL, leaving defaults out", async () => {
    const { fetch, seen } = setup("/?page=2");
    await waitFor(() => expect(seen.hook.table.meta?.page).toBe(2));

    act(() => seen.hook.table.onSort("created_at"));
    expect(seen.url).toBe("?sort=created_at");
    act(() => seen.hook.table.onSort("created_at"));
    expect(seen.url).toBe("?sort=created_at&order=desc");
    act(() => seen.hook.table.onPage(4));
    expect(seen.url).toBe("?sort=created_at&order=desc&page=4");
    act(() => seen.hook.table.onPerPage(10));
    expect(seen.url).toBe("?sort=created_at&order=desc&per_page=10");

    act(() => seen.hook.setFilters({ filters: { action: "  auth.login_failed " } }));
    expect(seen.url).toBe("?action=auth.login_failed&sort=created_at&order=desc&per_page=10");
    await waitFor(() =>
      expect(fetch).toHaveBeenLastCalledWith({ page: 1, per_page: 10, sort: "created_at", order: "desc", action: "auth.login_failed" }),
    );

    act(() => seen.hook.clearFilters());
    expect(seen.url).toBe("?sort=created_at&order=desc&per_page=10");
    expect(seen.hook.filtered).toBe(false);
  });
});
