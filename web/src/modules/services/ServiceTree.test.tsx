import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import * as React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ServiceTree } from "./ServiceTree";
import { formatMoney, type TreeFilter } from "./serviceTree";
import type { Service } from "./types";

afterEach(cleanup);

const s = (id: string, number: string, name: string, parent: string | null, cost: number, extra: Partial<Service> = {}) =>
  ({
    id,
    number,
    name,
    parent_service_id: parent,
    type: "business",
    status: "active",
    cost_people: cost,
    cost_process: 0,
    cost_technology: 0,
    total_cost: cost,
    ...extra,
  }) as Service;

const SERVICES = [
  s("retail", "SRV-00001", "Retail", null, 100),
  s("checkout", "SRV-00002", "Checkout", "retail", 20, { type: "technical", status: "design" }),
  s("payments", "SRV-00003", "Payments", "checkout", 3, { type: "application" }),
  s("hr", "SRV-00004", "HR", null, 7, { status: "retired" }),
];

function Harness({ selected = null }: { selected?: string | null }) {
  const [selectedId, setSelectedId] = React.useState<string | null>(selected);
  const [filter, setFilter] = React.useState<TreeFilter>({});
  return (
    <>
      <ServiceTree services={SERVICES} selectedId={selectedId} onSelect={setSelectedId} filter={filter} onFilter={setFilter} />
      <span data-testid="selected">{selectedId ?? "none"}</span>
    </>
  );
}

const item = (name: string) => screen.getByRole("treeitem", { name: new RegExp(`^${name}`) });
const rows = () => screen.getAllByRole("treeitem").map((e) => e.querySelector("[title]")?.textContent);

describe("ServiceTree", () => {
  it("shows each row's number, type, status and the total cost of its subtree", () => {
    render(<Harness selected="payments" />);
    expect(rows()).toEqual(["HR", "Retail", "Checkout", "Payments"]);
    expect(item("Retail").textContent).toContain(formatMoney(123));
    expect(item("Checkout").textContent).toContain(formatMoney(23));
    expect(item("Checkout").textContent).toContain("SRV-00002");
    expect(item("Checkout").textContent).toContain("Technical");
    expect(item("Checkout").textContent).toContain("Design");
    expect(item("Payments").getAttribute("aria-level")).toBe("3");
    expect(item("Payments").getAttribute("aria-selected")).toBe("true");
  });

  it("filters by status keeping the ancestors, and clears", () => {
    render(<Harness />);
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "design" } });
    expect(rows()).toEqual(["Retail", "Checkout"]);
    expect(screen.getByRole("status").textContent).toBe("1 of 4 match");
    fireEvent.change(screen.getByLabelText("Search services"), { target: { value: "nothing like it" } });
    expect(screen.queryAllByRole("treeitem")).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(screen.getByRole("status").textContent).toBe("4 services");
  });

  it("selects by click and by keyboard", () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole("button", { name: "Collapse all" }));
    fireEvent.click(item("HR"));
    expect(screen.getByTestId("selected").textContent).toBe("hr");
    item("HR").focus();
    fireEvent.keyDown(screen.getByRole("tree"), { key: "ArrowDown" });
    fireEvent.keyDown(screen.getByRole("tree"), { key: "Enter" });
    expect(screen.getByTestId("selected").textContent).toBe("retail");
  });
});
