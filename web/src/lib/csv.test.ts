import { describe, expect, it } from "vitest";
import { APPLICATION_CSV_COLUMNS } from "@/modules/applications/csv";
import { csvCell, describeError, filenameOf, groupByLine, templateCsv } from "./csv";

describe("import report", () => {
  const errors = [
    { line: 5, field: "name", code: "required", message: "is required" },
    { line: 3, field: "tier", code: "invalid", message: "must be one of P1, P2, P3, P4" },
    { line: 3, field: "status", code: "invalid", message: "must be one of active, inactive, deprecated" },
    { line: 7, field: "", code: "columns", message: "has 3 cells, the header 11" },
  ];

  it("groups errors by line, lines in order and fields by name", () => {
    expect(groupByLine(errors).map((g) => [g.line, g.errors.map((e) => e.field)])).toEqual([
      [3, ["status", "tier"]],
      [5, ["name"]],
      [7, [""]],
    ]);
  });

  it("writes each error as line · field: message", () => {
    expect(describeError(errors[1]!)).toBe("Line 3 · tier: must be one of P1, P2, P3, P4");
    expect(describeError(errors[3]!)).toBe("Line 7 · has 3 cells, the header 11");
  });
});

describe("templates and downloads", () => {
  it("builds a template's header row", () => {
    expect(templateCsv(APPLICATION_CSV_COLUMNS)).toBe(
      "name,description,tier,status,lifecycle_stage,criticality,business_unit,owner_email,owner_group,support_group,tags\n",
    );
    expect(templateCsv(["name"], ["attr.os"])).toBe("name,attr.os\n");
  });

  it("quotes cells that need it", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("plain")).toBe("plain");
  });

  it("reads the server's file name", () => {
    expect(filenameOf('attachment; filename="cis-2026-11-30.csv"', "x.csv")).toBe("cis-2026-11-30.csv");
    expect(filenameOf("attachment; filename=apps.csv", "x.csv")).toBe("apps.csv");
    expect(filenameOf("attachment; filename*=UTF-8''caf%C3%A9.csv", "x.csv")).toBe("café.csv");
    expect(filenameOf(null, "x.csv")).toBe("x.csv");
  });
});
