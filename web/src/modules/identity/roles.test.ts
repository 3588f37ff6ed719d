import { describe, expect, it } from "vitest";
import { actionsFor, ENTITY_TYPES } from "./auditVocabulary";
import { myRoleNames, roleSlug } from "./roles";

describe("roleSlug", () => {
  it.each([
    ["Change Manager", "change-manager"],
    ["  Équipe réseau  ", "equipe-reseau"],
    ["Tier 2 / Nights", "tier-2-nights"],
    ["!!!", ""],
  ])("makes %j into %j", (display, slug) => {
    expect(roleSlug(display)).toBe(slug);
  });

  it("stays within 50 characters and never ends in a dash", () => {
    const slug = roleSlug(`${"a".repeat(49)} b`);
    expect(slug.length).toBeLessThanOrEqual(50);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("myRoleNames", () => {
  it("shows display names, not internal names", () => {
    const me = {
      roles: ["admin", "agent"],
      user: { roles: [{ id: "1", name: "admin", display_name: "Administrator" }, { id: "2", name: "agent", display_name: "Agent" }] },
    };
    expect(myRoleNames(me as never)).toEqual(["Administrator", "Agent"]);
  });

  it("falls back to the names when the server sent no details", () => {
    expect(myRoleNames({ roles: ["agent"], user: {} } as never)).toEqual(["agent"]);
  });
});

describe("audit filter lists", () => {
  it("offer an entity type's own actions, and every action without one", () => {
    expect(actionsFor("role")).toEqual(["role.created", "role.updated", "role.deleted"]);
    const all = actionsFor(undefined);
    for (const t of ENTITY_TYPES) for (const a of actionsFor(t.value)) expect(all).toContain(a);
    expect(new Set(all).size).toBe(all.length);
  });
});
