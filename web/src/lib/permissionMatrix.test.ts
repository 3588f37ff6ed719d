import { describe, expect, it } from "vitest";
import { buildMatrix, rowState, sameSet, toggle, toggleRow, toList, type PermissionDef } from "./permissionMatrix";

const p = (resource: string, action: string): PermissionDef => ({
  key: `${resource}:${action}`,
  resource,
  action,
  description: `${action} ${resource}`,
});

const perms = [p("users", "delete"), p("users", "read"), p("audit_logs", "read"), p("users", "create"), p("roles", "admin"), p("roles", "read"), p("tickets", "assign")];

describe("permission matrix", () => {
  it("puts resources in rows and actions in a stable column order", () => {
    const m = buildMatrix(perms);
    expect(m.resources).toEqual(["audit_logs", "roles", "tickets", "users"]);
    expect(m.actions).toEqual(["read", "create", "delete", "admin", "assign"]);
    expect(m.cells.has("users:create")).toBe(true);
    expect(m.cells.has("audit_logs:create")).toBe(false);
  });

  it("toggles one cell without changing the input", () => {
    const start = new Set(["users:read"]);
    const on = toggle(start, "users:create");
    expect(toList(on)).toEqual(["users:create", "users:read"]);
    expect(toList(toggle(on, "users:read"))).toEqual(["users:create"]);
    expect(toList(start)).toEqual(["users:read"]);
  });

  it("toggles a whole row: all on, then all off", () => {
    const m = buildMatrix(perms);
    let s: Set<string> = new Set(["users:read", "roles:read"]);
    expect(rowState(m, s, "users")).toBe("some");
    s = toggleRow(m, s, "users");
    expect(rowState(m, s, "users")).toBe("all");
    expect(toList(s)).toEqual(["roles:read", "users:create", "users:delete", "users:read"]);
    s = toggleRow(m, s, "users");
    expect(rowState(m, s, "users")).toBe("none");
    expect(toList(s)).toEqual(["roles:read"]);
  });

  it("keeps keys the matrix does not know and compares sets", () => {
    const m = buildMatrix(perms);
    const s = toggleRow(m, new Set(["legacy:thing"]), "audit_logs");
    expect(toList(s)).toEqual(["audit_logs:read", "legacy:thing"]);
    expect(sameSet(s, new Set(["legacy:thing", "audit_logs:read"]))).toBe(true);
    expect(sameSet(s, new Set(["legacy:thing"]))).toBe(false);
  });
});
