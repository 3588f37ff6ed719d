import { describe, expect, it, vi } from "vitest";
import { createAuthFetch, refreshCall, unwrap } from "./client";
import { ApiError } from "./problem";
import { TokenManager } from "./tokens";

function manager(access = "old") {
  const refresh = vi.fn(async () => ({
    access_token: "new",
    token_type: "Bearer",
    expires_in: 900,
    user: {} as never,
  }));
  const tokens = new TokenManager(refresh, (_n, fn) => fn());
  tokens.set({ accessToken: access, expiresAt: 0 });
  return { tokens, refresh };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json" } });

describe("createAuthFetch", () => {
  it("signs requests with the bearer token", async () => {
    const { tokens } = manager();
    const base = vi.fn(async (r: Request) => new Response(r.headers.get("authorization")));
    const res = await createAuthFetch(tokens, base)(new Request("http://x/api/v1/auth/me"));
    expect(await res.text()).toBe("Bearer old");
  });

  it("refreshes once on 401 and retries the request with its body", async () => {
    const { tokens, refresh } = manager();
    const seen: string[] = [];
    const base = vi.fn(async (r: Request) => {
      seen.push(`${r.headers.get("authorization")} ${await r.text()}`);
      return r.headers.get("authorization") === "Bearer new" ? new Response("ok") : json(401, { code: "invalid_token" });
    });
    const res = await createAuthFetch(tokens, base)(new Request("http://x/api/v1/users", { method: "POST", body: "{\"a\":1}" }));
    expect(await res.text()).toBe("ok");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['Bearer old {"a":1}', 'Bearer new {"a":1}']);
  });

  it("does not refresh for a wrong password at sign-in", async () => {
    const { tokens, refresh } = manager();
    const base = vi.fn(async () => json(401, { code: "invalid_credentials" }));
    const res = await createAuthFetch(tokens, base)(new Request("http://x/api/v1/auth/login", { method: "POST" }));
    expect(res.status).toBe(401);
    expect(refresh).not.toHaveBeenCalled();
  });

  it("turns a network failure into an ApiError", async () => {
    const { tokens } = manager();
    const base = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(createAuthFetch(tokens, base)(new Request("http://x/api/v1/users"))).rejects.toMatchObject({
      code: "network_error",
    });
  });
});

describe("refreshCall", () => {
  it("spends the cookie with the CSRF header and names no token", async () => {
    const seen: RequestInit[] = [];
    const base = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(init ?? {});
      return new Response(JSON.stringify({ access_token: "a", token_type: "Bearer", expires_in: 900, user: {} }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    });
    const t = await refreshCall("http://x", base as typeof fetch)();
    expect(t?.access_token).toBe("a");
    expect(base).toHaveBeenCalledWith("http://x/api/v1/auth/refresh", expect.anything());
    const [init] = seen;
    expect(init?.credentials).toBe("same-origin");
    expect(init?.body).toBe("{}");
    expect(new Headers(init?.headers).get("x-requested-with")).toBe("firelater");
  });

  it("reads a refused cookie (no cookie, spent, CSRF) as the end of the session", async () => {
    for (const status of [401, 403]) {
      const base = vi.fn(async () => new Response("{}", { status, headers: { "content-type": "application/problem+json" } }));
      await expect(refreshCall("http://x", base as typeof fetch)()).resolves.toBeNull();
    }
  });
});

describe("unwrap", () => {
  it("returns data of a success and throws the problem of a failure", async () => {
    await expect(unwrap(Promise.resolve({ data: 1, response: new Response("1") }))).resolves.toBe(1);
    const failure = unwrap(
      Promise.resolve({ error: { code: "version_conflict", detail: "stale" }, response: new Response("", { status: 409 }) }),
    );
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 409, code: "version_conflict" });
  });
});
