import { describe, expect, it, vi } from "vitest";
import { createAuthFetch, unwrap } from "./client";
import { ApiError } from "./problem";
import { SESSION_KEY, TokenManager, type SessionStorage } from "./tokens";

function manager(access = "old") {
  const map = new Map<string, string>();
  const storage: SessionStorage = {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
  storage.setItem(SESSION_KEY, JSON.stringify({ accessToken: access, refreshToken: "r1", expiresAt: 0 }));
  const refresh = vi.fn(async () => ({
    access_token: "new",
    refresh_token: "r2",
    token_type: "Bearer",
    expires_in: 900,
    user: {} as never,
  }));
  return { tokens: new TokenManager(storage, refresh, (_n, fn) => fn()), refresh };
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
