import { describe, expect, it } from "vitest";
import { ancestorIds, buildTree, filterTree, flatten, subtreeIds, visibleRows } from "./groupTree";

const g = (id: string, name: string, parent_id: string | null = null) => ({ id, name, parent_id });

describe("group tree", () => {
  it("nests groups under their parents, sorted by name", () => {
    const tree = buildTree([g("3", "Network", "1"), g("1", "IT"), g("2", "HR"), g("4", "Desk", "1"), g("5", "Tier 2", "4")]);
    expect(flatten(tree).map((n) => `${"-".repeat(n.depth)}${n.item.name}`)).toEqual(["HR", "IT", "-Desk", "--Tier 2", "-Network"]);
  });

  it("puts groups with an unknown parent at the top and survives cycles", () => {
    const tree = buildTree([g("1", "Orphan", "missing"), g("2", "A", "3"), g("3", "B", "2"), g("4", "Self", "4")]);
    const names = flatten(tree).map((n) => n.item.name);
    expect(names).toContain("Orphan");
    expect(names).toContain("Self");
    expect(names).toContain("A");
    expect(names).toContain("B");
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("group tree search and rows", () => {
  const items = [g("1", "IT"), g("2", "Desk", "1"), g("3", "Tier 2", "2"), g("4", "Network", "1"), g("5", "HR")];

  it("keeps the matches and their ancestors, and opens the ancestors", () => {
    const { nodes, open, matches } = filterTree(buildTree(items), "tier");
    expect(flatten(nodes).map((n) => n.item.name)).toEqual(["IT", "Desk", "Tier 2"]);
    expect([...open].sort()).toEqual(["1", "2"]);
    expect(matches).toBe(1);
  });

  it("keeps a matching branch's name but only the matching part below it", () => {
    const { nodes } = filterTree(buildTree(items), "it");
    expect(flatten(nodes).map((n) => n.item.name)).toEqual(["IT"]);
  });

  it("an empty search keeps everything and opens nothing", () => {
    const { nodes, open } = filterTree(buildTree(items), "  ");
    expect(flatten(nodes)).toHaveLength(5);
    expect(open.size).toBe(0);
  });

  it("shows only the open branches, with their levels and positions", () => {
    const rows = visibleRows(buildTree(items), new Set(["1"]));
    expect(rows.map((r) => [r.item.name, r.level, r.posInSet, r.setSize, r.expanded, r.hasChildren])).toEqual([
      ["HR", 1, 1, 2, false, false],
      ["IT", 1, 2, 2, true, true],
      ["Desk", 2, 1, 2, false, true],
      ["Network", 2, 2, 2, false, false],
    ]);
  });

  it("finds ancestors and a subtree", () => {
    expect(ancestorIds(items, "3")).toEqual(["2", "1"]);
    expect([...subtreeIds(items, "1")].sort()).toEqual(["1", "2", "3", "4"]);
    expect([...subtreeIds(items, "5")]).toEqual(["5"]);
  });
});
