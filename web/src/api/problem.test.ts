import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, problemToError, responseToError, sentence } from "./problem";

describe("problem documents", () => {
  it("keeps code, detail, field errors and request id", () => {
    const e = problemToError(422, {
      type: "https://firelater.dev/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "invalid fields: email",
      code: "validation_failed",
      errors: { email: ["must be a valid email address"], name: ["too long", 3] },
      request_id: "r-1",
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation_failed");
    expect(e.detail).toBe("Invalid fields: email.");
    expect(e.fieldErrors).toEqual({ email: ["Must be a valid email address."], name: ["Too long."] });
    expect(e.hasFieldErrors).toBe(true);
    expect(e.requestId).toBe("r-1");
  });

  it("falls back to the title, then to a message for the status", () => {
    expect(problemToError(409, { title: "Version conflict", code: "version_conflict" }).detail).toBe("Version conflict");
    expect(problemToError(503, {}).detail).toBe("The server is busy; try again.");
    expect(problemToError(502, null).detail).toBe("The server had a problem.");
    expect(problemToError(404, null).code).toBe("http_404");
  });

  it("uses a short text body as the detail", () => {
    expect(problemToError(413, "length limit exceeded").detail).toBe("length limit exceeded");
    expect(problemToError(400, "x".repeat(400)).detail).toBe("The request was not understood.");
  });

  it("reads a Response, with the request id from the header when the body has none", async () => {
    const res = new Response(JSON.stringify({ code: "forbidden", detail: "missing permission users:create" }), {
      status: 403,
      headers: { "content-type": "application/problem+json", "x-request-id": "r-2" },
    });
    const e = await responseToError(res);
    expect(e.code).toBe("forbidden");
    expect(e.requestId).toBe("r-2");
    expect(errorMessage(e)).toBe("Missing permission users:create.");
  });

  it("writes messages as sentences", () => {
    expect(sentence("already exists")).toBe("Already exists.");
    expect(sentence("Done!")).toBe("Done!");
    expect(sentence("")).toBe("");
  });
});
