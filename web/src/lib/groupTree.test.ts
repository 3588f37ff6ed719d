import { describe, expect, it } from "vitest";
import { buildTree, flatten } from "./groupTree";

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
