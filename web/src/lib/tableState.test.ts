import { describe, expect, it } from "vitest";
import { listStateToParams, listStateToQuery, parseListState, toggleSort, withFilter, type ListSpec } from "./tableState";

type S = "name" | "email" | "created_at";
type F = "status";
const spec: ListSpec<S, F> = {
  sorts: ["name", "email", "created_at"],
  defaultSort: "name",
  defaultOrder: "asc",
  filters: { status: ["active", "pending", "inactive"] },
  perPageOptions: [10, 25, 50],
  defaultPerPage: 25,
};
const parse = (q: string) => parseListState(new URLSearchParams(q), spec);

describe("list state in the URL", () => {
  it("has defaults for an empty query and writes none of them back", () => {
    const s = parse("");
    expect(s).toEqual({ page: 1, perPage: 25, sort: "name", order: "asc", q: "", filters: {} });
    expect(listStateToParams(s, spec).toString()).toBe("");
  });

  it("round-trips every part", () => {
    const q = "q=ada&status=active%2Cpending&sort=email&order=desc&per_page=50&page=3";
    const s = parse(q);
    expect(s).toEqual({ page: 3, perPage: 50, sort: "email", order: "desc", q: "ada", filters: { status: "active,pending" } });
    expect(parse(listStateToParams(s, spec).toString())).toEqual(s);
  });

  it("drops values outside the spec", () => {
    const s = parse("sort=password&order=up&per_page=1000&page=-2&status=deleted,active");
    expect(s).toMatchObject({ sort: "name", order: "asc", perPage: 25, page: 1, filters: { status: "active" } });
    expect(parse("status=bogus").filters).toEqual({});
    expect(parse("page=abc").page).toBe(1);
  });

  it("flips the order of the sorted column and starts another ascending, on page 1", () => {
    const s = { ...parse("page=4"), sort: "email" as const };
    expect(toggleSort(s, "email")).toMatchObject({ sort: "email", order: "desc", page: 1 });
    expect(toggleSort({ ...s, order: "desc" }, "email")).toMatchObject({ order: "asc" });
    expect(toggleSort(s, "created_at")).toMatchObject({ sort: "created_at", order: "asc", page: 1 });
  });

  it("goes back to page 1 when search or filters change, and removes emptied filters", () => {
    const s = parse("status=active&page=5");
    expect(withFilter(s, { q: "x" })).toMatchObject({ q: "x", page: 1, filters: { status: "active" } });
    expect(withFilter(s, { filters: { status: undefined } }).filters).toEqual({});
  });

  it("maps to the API's list parameters", () => {
    expect(listStateToQuery(parse("q=%20ada%20&status=active&page=2"))).toEqual({
      page: 2,
      per_page: 25,
      sort: "name",
      order: "asc",
      q: "ada",
      status: "active",
    });
    expect(listStateToQuery(parse(""))).not.toHaveProperty("q");
  });
});

describe("prefixed filter families", () => {
  type PF = "status" | `attr.${string}`;
  const pspec: ListSpec<S, PF> = { ...spec, filters: { status: ["active"] }, prefixes: ["attr."] };
  const pparse = (q: string) => parseListState(new URLSearchParams(q), pspec);

  it("reads attr.<key> parameters as text filters and writes them back in key order", () => {
    const s = pparse("attr.os=Ubuntu%2022.04&attr.cpu_cores=%204%20&status=active");
    expect(s.filters).toEqual({ status: "active", "attr.os": "Ubuntu 22.04", "attr.cpu_cores": "4" });
    expect(listStateToParams(s, pspec).toString()).toBe("status=active&attr.cpu_cores=4&attr.os=Ubuntu+22.04");
    expect(listStateToQuery(s)).toMatchObject({ "attr.os": "Ubuntu 22.04", "attr.cpu_cores": "4" });
  });

  it("ignores keys outside the family's pattern and lists without prefixes", () => {
    expect(pparse("attr.=x&attr.a-b=y&attr.ok=z&other.x=1").filters).toEqual({ "attr.ok": "z" });
    expect(parse("attr.os=x").filters).toEqual({});
  });

  it("drops a prefixed filter when it is emptied", () => {
    const s = pparse("attr.os=x");
    expect(withFilter(s, { filters: { "attr.os": undefined } }).filters).toEqual({});
  });
});
