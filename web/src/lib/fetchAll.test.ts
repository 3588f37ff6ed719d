import { describe, expect, it } from "vitest";
import { fetchAllPages } from "./fetchAll";

/** A paged source of `n` items, `per` a page, recording which pages were asked for. */
function source(n: number, per: number) {
  const asked: number[] = [];
  const items = Array.from({ length: n }, (_, i) => ({ id: `g${i + 1}` }));
  const fetchPage = (page: number) => {
    asked.push(page);
    return Promise.resolve({
      data: items.slice((page - 1) * per, page * per),
      meta: { page, per_page: per, total: n, total_pages: Math.ceil(n / per) },
    });
  };
  return { asked, fetchPage };
}

describe("fetchAllPages", () => {
  it("loads every page, so nothing past the first 100 is cut", async () => {
    const s = source(250, 100);
    const all = await fetchAllPages(s.fetchPage, (i) => i.id);
    expect(all).toHaveLength(250);
    expect(all[249]).toEqual({ id: "g250" });
    expect([...s.asked].sort()).toEqual([1, 2, 3]);
  });

  it("asks once for an empty list", async () => {
    const s = source(0, 100);
    expect(await fetchAllPages(s.fetchPage, (i) => i.id)).toEqual([]);
    expect(s.asked).toEqual([1]);
  });

  it("keeps an item that shifted onto the next page once", async () => {
    const pages = [
      { data: [{ id: "a" }, { id: "b" }], meta: { page: 1, per_page: 2, total: 3, total_pages: 2 } },
      { data: [{ id: "b" }, { id: "c" }], meta: { page: 2, per_page: 2, total: 4, total_pages: 2 } },
    ];
    const all = await fetchAllPages((p) => Promise.resolve(pages[p - 1]!), (i) => i.id);
    expect(all.map((i) => i.id)).toEqual(["a", "b", "c"]);
  });
});
