import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/problem";
import { postImport } from "./ImportCsvDialog";

const report = { dry_run: true, total_rows: 2, valid_rows: 1, created: 0, errors: [{ line: 3, field: "tier", code: "invalid", message: "must be one of P1, P2, P3, P4" }] };

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));
}

describe("postImport", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("posts the CSV as text/csv with dry_run and returns a dry run's report", async () => {
    const fetch = answer(200, report);
    vi.stubGlobal("fetch", fetch);
    await expect(postImport("/api/v1/applications/import", "name\nx\n", true)).resolves.toEqual(report);
    const req = (fetch.mock.calls[0] as unknown as [Request])[0];
    expect(req.method).toBe("POST");
    expect(new URL(req.url).pathname).toBe("/api/v1/applications/import");
    expect(new URL(req.url).searchParams.get("dry_run")).toBe("true");
    expect(req.headers.get("content-type")).toBe("text/csv");
    expect(await req.text()).toBe("name\nx\n");
  });

  it("returns the report a refused import's problem (422) carries, rather than throwing", async () => {
    vi.stubGlobal("fetch", answer(422, { code: "validation_failed", detail: "1 problem(s) in the file", report: { ...report, dry_run: false } }));
    await expect(postImport("/x", "a", false)).resolves.toMatchObject({ dry_run: false, errors: report.errors });
  });

  it("throws the problem of any other failure", async () => {
    vi.stubGlobal("fetch", answer(403, { code: "forbidden", detail: "you may not" }));
    await expect(postImport("/x", "a", false)).rejects.toBeInstanceOf(ApiError);
  });
});
