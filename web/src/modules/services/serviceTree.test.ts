import { describe, expect, it } from "vitest";
import { flatten } from "@/lib/groupTree";
import { bodyOf, emptyService, totalOf } from "./ServiceFields";
import {
  buildServiceTree,
  childShares,
  excludedParents,
  filterServiceTree,
  formatMoney,
  parseAmount,
  servicePath,
  subtreeRollups,
  worstStatus,
} from "./serviceTree";
import type { Service, ServiceStatus, ServiceType } from "./types";

let n = 0;
function svc(
  id: string,
  name: string,
  parent: string | null,
  { type = "business", status = "active", cost = 0 }: { type?: ServiceType; status?: ServiceStatus; cost?: number } = {},
): Service {
  n++;
  return {
    id,
    number: `SRV-${String(n).padStart(5, "0")}`,
    name,
    type,
    status,
    parent_service_id: parent,
    cost_people: cost,
    cost_process: 0,
    cost_technology: 0,
    total_cost: cost,
    owner_id: "owner",
    metadata: {},
    created_at: "2026-11-30T00:00:00Z",
    updated_at: "2026-11-30T00:00:00Z",
    version: 1,
  };
}

// Retail (business) → Checkout (technical) → Payments, Basket (application); HR apart.
const RETAIL = svc("retail", "Retail", null, { cost: 100.1 });
const CHECKOUT = svc("checkout", "Checkout", "retail", { type: "technical", status: "design", cost: 200.2 });
const PAYMENTS = svc("payments", "Payments", "checkout", { type: "application", cost: 0.3 });
const BASKET = svc("basket", "Basket", "checkout", { type: "application", status: "deprecated", cost: 0.1 });
const HR = svc("hr", "HR", null, { status: "retired", cost: 5 });
const ALL = [PAYMENTS, HR, BASKET, RETAIL, CHECKOUT];

const names = (nodes: ReturnType<typeof buildServiceTree>) => flatten(nodes).map((x) => `${"-".repeat(x.depth)}${x.item.name}`);

describe("buildServiceTree", () => {
  it("nests services by parent_service_id, siblings by name", () => {
    expect(names(buildServiceTree(ALL))).toEqual(["HR", "Retail", "-Checkout", "--Basket", "--Payments"]);
  });

  it("shows a service whose parent is not in the list at the top", () => {
    expect(names(buildServiceTree([PAYMENTS, BASKET]))).toEqual(["Basket", "Payments"]);
  });
});

describe("subtreeRollups", () => {
  const r = subtreeRollups(ALL);

  it("sums a subtree's total cost in exact cents and counts its services", () => {
    // 100.1 + 200.2 + 0.3 + 0.1 is 300.70000000000005 in floating point.
    expect(r.get("retail")).toEqual({ count: 4, totalCents: 30070, worst: "deprecated" });
    expect(r.get("checkout")).toEqual({ count: 3, totalCents: 20060, worst: "deprecated" });
    expect(r.get("payments")).toEqual({ count: 1, totalCents: 30, worst: "active" });
    expect(r.get("hr")).toEqual({ count: 1, totalCents: 500, worst: "retired" });
  });

  it("gives the same sums whatever order the list comes in", () => {
    expect(subtreeRollups([...ALL].reverse())).toEqual(r);
  });

  it("ends on a cycle in the data", () => {
    const a = svc("a", "A", "b", { cost: 1 });
    const b = svc("b", "B", "a", { cost: 2 });
    const out = subtreeRollups([a, b]);
    expect(out.get("a")?.count).toBeGreaterThan(0);
    expect(out.get("b")?.count).toBeGreaterThan(0);
  });
});

describe("worstStatus", () => {
  it.each<[ServiceStatus[], ServiceStatus]>([
    [[], "active"],
    [["active"], "active"],
    [["active", "design"], "design"],
    [["design", "deprecated", "active"], "deprecated"],
    [["retired", "active"], "retired"],
  ])("of %j is %s", (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });
});

describe("filterServiceTree", () => {
  const tree = buildServiceTree(ALL);

  it("keeps the whole tree and opens nothing without a filter", () => {
    const f = filterServiceTree(tree, { q: "  " });
    expect(names(f.nodes)).toEqual(names(tree));
    expect(f.open.size).toBe(0);
  });

  it("keeps a match's ancestors and opens them", () => {
    const f = filterServiceTree(tree, { q: "pay" });
    expect(names(f.nodes)).toEqual(["Retail", "-Checkout", "--Payments"]);
    expect([...f.open].sort()).toEqual(["checkout", "retail"]);
    expect(f.matches).toBe(1);
    expect(f.matched.has("retail")).toBe(false);
  });

  it("matches the number, any case", () => {
    const f = filterServiceTree(tree, { q: HR.number.toLowerCase() });
    expect(names(f.nodes)).toEqual(["HR"]);
  });

  it("filters by type and status together", () => {
    expect(names(filterServiceTree(tree, { type: "application" }).nodes)).toEqual(["Retail", "-Checkout", "--Basket", "--Payments"]);
    const f = filterServiceTree(tree, { type: "application", status: "deprecated" });
    expect(names(f.nodes)).toEqual(["Retail", "-Checkout", "--Basket"]);
    expect(f.matches).toBe(1);
    expect(filterServiceTree(tree, { q: "basket", status: "active" }).nodes).toEqual([]);
  });
});

describe("excludedParents", () => {
  it("leaves out the service itself and everything below it, so no move makes a cycle", () => {
    expect([...excludedParents(ALL, "retail")].sort()).toEqual(["basket", "checkout", "payments", "retail"]);
    expect([...excludedParents(ALL, "checkout")].sort()).toEqual(["basket", "checkout", "payments"]);
    expect([...excludedParents(ALL, "payments")]).toEqual(["payments"]);
  });

  it("leaves nothing out for a new service", () => {
    expect(excludedParents(ALL, null).size).toBe(0);
  });

  it("offers every service outside the subtree", () => {
    const excluded = excludedParents(ALL, "checkout");
    expect(ALL.filter((s) => !excluded.has(s.id)).map((s) => s.id).sort()).toEqual(["hr", "retail"]);
  });
});

describe("servicePath", () => {
  it("lists the ancestors top first", () => {
    expect(servicePath(ALL, "payments").map((s) => s.name)).toEqual(["Retail", "Checkout"]);
    expect(servicePath(ALL, "retail")).toEqual([]);
  });
});

describe("money", () => {
  it("formats two decimals without a currency symbol", () => {
    const s = formatMoney(1234.5);
    expect(s).toMatch(/^1[^0-9]?234[.,]50$/);
    expect(formatMoney(0)).toMatch(/^0[.,]00$/);
  });

  it.each<[string, number | null]>([
    ["", 0],
    ["0", 0],
    ["12", 12],
    ["12.5", 12.5],
    ["1,234.56", 1234.56],
    [" 7.05 ", 7.05],
  ])("reads %j as %s", (text, value) => {
    expect(parseAmount(text)).toEqual({ ok: true, value });
  });

  it.each<[string, string]>([
    ["-1", "Enter 0 or more."],
    ["1.234", "Use at most two decimals."],
    ["abc", "Enter a number, such as 1250.00."],
    ["1e3", "Enter a number, such as 1250.00."],
  ])("refuses %j: %s", (text, message) => {
    expect(parseAmount(text)).toEqual({ ok: false, message });
  });

  it("keeps an optional empty amount empty and checks a maximum", () => {
    expect(parseAmount("", { optional: true })).toEqual({ ok: true, value: null });
    expect(parseAmount("100.01", { max: 100 })).toEqual({ ok: false, message: "Enter 100 or less." });
    expect(parseAmount("99.95", { max: 100 })).toEqual({ ok: true, value: 99.95 });
  });

  it("derives the total of the three costs in cents, or none while one is invalid", () => {
    expect(totalOf(["0.1", "0.2", ""])).toBe(30);
    expect(totalOf(["1000", "250.5", "49.5"])).toBe(130000);
    expect(totalOf(["1", "x", "2"])).toBeNull();
  });
});

describe("childShares", () => {
  it("sizes each child's bar against the largest", () => {
    expect(
      childShares([
        { service_id: "a", total_cost: 50 },
        { service_id: "b", total_cost: 200 },
        { service_id: "c", total_cost: 0 },
      ]),
    ).toEqual([
      { id: "a", totalCents: 5000, share: 0.25 },
      { id: "b", totalCents: 20000, share: 1 },
      { id: "c", totalCents: 0, share: 0 },
    ]);
    expect(childShares([{ service_id: "a", total_cost: 0 }])[0]?.share).toBe(0);
  });
});

describe("bodyOf", () => {
  it("turns the form into a request: empty optional fields null, costs as numbers", () => {
    const v = {
      ...emptyService({ id: "retail", number: "SRV-00001", name: "Retail" }),
      name: "  Checkout ",
      domain: " ",
      sla_target: "99.9",
      cost_people: "1,000.50",
      cost_technology: "",
    };
    expect(bodyOf(v)).toEqual({
      name: "Checkout",
      description: null,
      domain: null,
      type: "business",
      status: "design",
      parent_service_id: "retail",
      owner_id: null,
      manager_id: null,
      sla_target: 99.9,
      cost_people: 1000.5,
      cost_process: 0,
      cost_technology: 0,
    });
  });
});
