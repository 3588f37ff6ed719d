import { describe, expect, it, vi } from "vitest";
import { fetchAllPages } from "./fetchAllPages";

function pageOf(all: number[], size: number) {
  return async (page: number) => {
    const data = all.slice((page - 1) * size, page * size);
    return { data, meta: { page, per_page: size, total: all.length, total_pages: Math.max(1, Math.ceil(all.length / size)) } };
  };
}

describe("fetchAllPages", () => {
  it("loads every page, not only the first 100 items", async () => {
    const all = Array.from({ length: 250 }, (_, i) => i);
    const fetchPage = vi.fn(pageOf(all, 100));
    const result = await fetchAllPages(fetchPage);
    expect(result.data).toEqual(all);
    expect(result.meta.total).toBe(250);
    expect(fetchPage).toHaveBeenCalledTimes(3);
  });

  it("asks once when everything fits on one page", async () => {
    const fetchPage = vi.fn(pageOf([1, 2, 3], 100));
    expect((await fetchAllPages(fetchPage)).data).toEqual([1, 2, 3]);
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  it("returns an empty list for an empty one", async () => {
    expect((await fetchAllPages(pageOf([], 100))).data).toEqual([]);
  });
});
