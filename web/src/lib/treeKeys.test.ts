import { describe, expect, it } from "vitest";
import { treeKeyAction, type TreeKeyRow } from "./treeKeys";

// IT (open) > Desk (closed, has children), Network (leaf); HR (leaf, top level).
const rows: TreeKeyRow[] = [
  { id: "it", parentId: null, hasChildren: true, expanded: true },
  { id: "desk", parentId: "it", hasChildren: true, expanded: false },
  { id: "net", parentId: "it", hasChildren: false, expanded: false },
  { id: "hr", parentId: null, hasChildren: false, expanded: false },
];

describe("tree keyboard", () => {
  it.each([
    ["ArrowDown moves to the next row", "it", "ArrowDown", { type: "focus", id: "desk" }],
    ["ArrowDown on the last row does nothing", "hr", "ArrowDown", null],
    ["ArrowUp moves to the previous row", "net", "ArrowUp", { type: "focus", id: "desk" }],
    ["ArrowUp on the first row does nothing", "it", "ArrowUp", null],
    ["Home goes to the first row", "net", "Home", { type: "focus", id: "it" }],
    ["End goes to the last row", "desk", "End", { type: "focus", id: "hr" }],
    ["ArrowRight on a closed branch opens it", "desk", "ArrowRight", { type: "expand", id: "desk" }],
    ["ArrowRight on an open branch enters its first child", "it", "ArrowRight", { type: "focus", id: "desk" }],
    ["ArrowRight on a leaf does nothing", "net", "ArrowRight", null],
    ["ArrowLeft on an open branch closes it", "it", "ArrowLeft", { type: "collapse", id: "it" }],
    ["ArrowLeft on a child goes to its parent", "net", "ArrowLeft", { type: "focus", id: "it" }],
    ["ArrowLeft on a closed child branch goes to its parent", "desk", "ArrowLeft", { type: "focus", id: "it" }],
    ["ArrowLeft on a top-level leaf does nothing", "hr", "ArrowLeft", null],
    ["Enter selects", "net", "Enter", { type: "select", id: "net" }],
    ["Space selects", "hr", " ", { type: "select", id: "hr" }],
    ["another key does nothing", "it", "x", null],
    ["with nothing focused, ArrowDown lands on the first row", null, "ArrowDown", { type: "focus", id: "it" }],
    ["with nothing focused, End lands on the last row", null, "End", { type: "focus", id: "hr" }],
    ["with nothing focused, Enter does nothing", null, "Enter", null],
  ] as const)("%s", (_, focused, key, want) => {
    expect(treeKeyAction(rows, focused, key)).toEqual(want);
  });

  it("does nothing in an empty tree", () => {
    expect(treeKeyAction([], null, "ArrowDown")).toBeNull();
  });
});
