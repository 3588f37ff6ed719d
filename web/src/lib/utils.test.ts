import { describe, expect, it } from "vitest";
import { formatRelative } from "./utils";

const NOW = new Date("2026-11-30T12:00:00Z");

describe("relative times", () => {
  it.each([
    ["2026-11-30T11:59:50Z", "just now"],
    ["2026-11-30T11:55:00Z", "5 minutes ago"],
    ["2026-11-30T09:00:00Z", "3 hours ago"],
    ["2026-11-29T10:00:00Z", "yesterday"],
    ["2026-11-20T12:00:00Z", "last week"],
    ["2026-11-30T14:00:00Z", "in 2 hours"],
    ["not a date", "not a date"],
  ])("%s is %s", (value, expected) => {
    expect(formatRelative(value, NOW)).toBe(expected);
  });
});
