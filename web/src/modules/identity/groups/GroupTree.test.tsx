import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import * as React from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { Group } from "./api";
import { GroupTree } from "./GroupTree";

afterEach(cleanup);

const g = (id: string, name: string, parent_id: string | null = null) => ({ id, name, parent_id }) as Group;
const GROUPS = [g("it", "IT"), g("desk", "Desk", "it"), g("t2", "Tier 2", "desk"), g("net", "Network", "it"), g("hr", "HR")];

function Harness({ selected = null }: { selected?: string | null }) {
  const [selectedId, setSelectedId] = React.useState<string | null>(selected);
  const [query, setQuery] = React.useState("");
  return (
    <>
      <GroupTree groups={GROUPS} selectedId={selectedId} onSelect={setSelectedId} query={query} onQuery={setQuery} />
      <span data-testid="selected">{selectedId ?? "none"}</span>
    </>
  );
}

const item = (name: string) => screen.getByRole("treeitem", { name });
const names = () => screen.getAllByRole("treeitem").map((e) => e.textContent);

describe("GroupTree", () => {
  it("opens the selected group's ancestors and gives it the one tab stop", () => {
    render(<Harness selected="t2" />);
    expect(names()).toEqual(["HR", "IT", "Desk", "Tier 2", "Network"]);
    expect(item("Tier 2").getAttribute("aria-level")).toBe("3");
    expect(item("Tier 2").getAttribute("aria-selected")).toBe("true");
    expect(item("IT").getAttribute("aria-expanded")).toBe("true");
    expect(item("HR").getAttribute("aria-expanded")).toBeNull();
    expect(screen.getAllByRole("treeitem").filter((e) => e.tabIndex === 0)).toEqual([item("Tier 2")]);
  });

  it("moves, opens, enters, leaves and selects by keyboard", () => {
    render(<Harness />);
    // The tree remembers open branches across pages (and tests): start from a closed one.
    fireEvent.click(screen.getByRole("button", { name: "Collapse all" }));
    expect(names()).toEqual(["HR", "IT"]);
    item("HR").focus();
    const tree = screen.getByRole("tree");
    fireEvent.keyDown(tree, { key: "ArrowDown" });
    expect(document.activeElement).toBe(item("IT"));
    fireEvent.keyDown(tree, { key: "ArrowRight" });
    expect(item("IT").getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(tree, { key: "ArrowRight" });
    expect(document.activeElement).toBe(item("Desk"));
    expect(item("Desk").tabIndex).toBe(0);
    expect(item("IT").tabIndex).toBe(-1);
    fireEvent.keyDown(tree, { key: "End" });
    expect(document.activeElement).toBe(item("Network"));
    fireEvent.keyDown(tree, { key: "ArrowLeft" });
    expect(document.activeElement).toBe(item("IT"));
    fireEvent.keyDown(tree, { key: "ArrowLeft" });
    expect(names()).toEqual(["HR", "IT"]);
    fireEvent.keyDown(tree, { key: "Home" });
    fireEvent.keyDown(tree, { key: "Enter" });
    expect(screen.getByTestId("selected").textContent).toBe("hr");
  });

  it("search keeps the matches with their ancestors open, and says how many match", () => {
    render(<Harness />);
    fireEvent.change(screen.getByRole("searchbox", { name: "Search groups" }), { target: { value: "tier" } });
    expect(names()).toEqual(["IT", "Desk", "Tier 2"]);
    expect(screen.getByRole("status").textContent).toBe("1 of 5 match");
    fireEvent.change(screen.getByRole("searchbox", { name: "Search groups" }), { target: { value: "nothing" } });
    expect(screen.queryAllByRole("treeitem")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Clear search" }));
    expect(names()).toContain("HR");
  });
});
