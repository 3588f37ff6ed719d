import { describe, expect, it } from "vitest";
import { fetchAll } from "./fetchAll";

function source(total: number) {
  const items = Array.from({ length: total }, (_, i) => i);
  const asked: number[] = [];
  const fetchPage = async (page: number, perPage: number) => {
    asked.push(page);
    const data = items.slice((page - 1) * perPage, page * perPage);
    return { data, meta: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) } };
  };
  return { fetchPage, asked };
}

describe("fetching a whole list", () => {
  it.each([0, 1, 100, 101, 250])("returns all %i items, none cut at a page", async (total) => {
    const { fetchPage } = source(total);
    const all = await fetchAll(fetchPage);
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it("asks for each page once", async () => {
    const { fetchPage, asked } = source(250);
    await fetchAll(fetchPage);
    expect(asked.sort()).toEqual([1, 2, 3]);
  });
});
