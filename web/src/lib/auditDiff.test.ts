import { describe, expect, it } from "vitest";
import { changesView, localToRfc3339, showValue } from "./auditDiff";

describe("audit changes", () => {
  it("shows {field:{old,new}} as a sorted diff", () => {
    expect(changesView({ name: { old: "A", new: "B" }, phone: { old: null, new: "+1" } })).toEqual({
      kind: "diff",
      rows: [
        { field: "name", old: "A", new: "B" },
        { field: "phone", old: null, new: "+1" },
      ],
    });
  });

  it("shows other details as field and value", () => {
    expect(changesView({ reason: "bad password", attempts: 3 })).toEqual({
      kind: "details",
      rows: [
        { field: "attempts", value: 3 },
        { field: "reason", value: "bad password" },
      ],
    });
  });

  it("has nothing to show for empty changes", () => {
    expect(changesView(null)).toEqual({ kind: "none" });
    expect(changesView({})).toEqual({ kind: "none" });
  });

  it("writes values as short text", () => {
    expect(showValue(null)).toBe("—");
    expect(showValue("")).toBe('""');
    expect(showValue(["a", "b"])).toBe('["a","b"]');
    expect(showValue(false)).toBe("false");
  });

  it("turns a local date-time into RFC 3339", () => {
    expect(localToRfc3339("")).toBeUndefined();
    expect(localToRfc3339("nonsense")).toBeUndefined();
    expect(localToRfc3339("2026-01-02T03:04")).toBe(new Date("2026-01-02T03:04").toISOString());
  });
});
