import { describe, expect, it, vi } from "vitest";
import { TokenManager, type LockRunner, type TokenResponse } from "./tokens";

/** A lock shared by several managers, as the Web Locks API is shared by several tabs. */
function sharedLock(): LockRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return <T,>(_name: string, fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** No lock at all: what tabs would do without the Web Locks API. */
const noLock: LockRunner = (_name, fn) => fn();

function tokens(n: number): TokenResponse {
  return {
    access_token: `access-${n}`,
    token_type: "Bearer",
    expires_in: 900,
    user: {} as TokenResponse["user"],
  };
}

/**
 * The server and the browser's cookie jar, shared by every tab: each refresh sends the cookie
 * the jar holds when the request leaves, and the answer's rotated cookie lands in the jar
 * before the call resolves. Presenting a spent cookie revokes the session, as the server does.
 */
function cookieServer() {
  let n = 1;
  let jar: string | null = "refresh-1";
  const spent = new Set<string>();
  const state = { revoked: false, calls: 0 };
  const call = vi.fn(async (): Promise<TokenResponse | null> => {
    state.calls += 1;
    const sent = jar;
    // The request is on the wire: other work may run meanwhile.
    await new Promise((r) => setTimeout(r, 1));
    if (sent === null || state.revoked) return null;
    if (spent.has(sent)) {
      state.revoked = true;
      jar = null;
      return null;
    }
    spent.add(sent);
    n += 1;
    jar = `refresh-${n}`;
    return tokens(n);
  });
  return { call, state, jar: () => jar };
}

describe("TokenManager", () => {
  it("keeps the access token in memory only", () => {
    const setItem = vi.fn();
    vi.stubGlobal("localStorage", { getItem: () => null, setItem, removeItem: vi.fn() });
    vi.stubGlobal("sessionStorage", { getItem: () => null, setItem, removeItem: vi.fn() });
    try {
      const m = new TokenManager(async () => null, sharedLock());
      m.set({ accessToken: "access-1", expiresAt: 0 });
      expect(m.accessToken).toBe("access-1");
      expect(setItem).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("restores the session from the cookie after a page load", async () => {
    const server = cookieServer();
    const m = new TokenManager(server.call, sharedLock());
    const seen: unknown[] = [];
    m.subscribe((s) => seen.push(s?.accessToken ?? null));
    expect(m.session).toBeNull();
    expect(await m.restore()).toBe("access-2");
    expect(m.accessToken).toBe("access-2");
    expect(seen).toEqual(["access-2"]);
  });

  it("stays signed out when there is no cookie", async () => {
    const m = new TokenManager(async () => null, sharedLock());
    const seen: unknown[] = [];
    m.subscribe((s) => seen.push(s));
    expect(await m.restore()).toBeNull();
    expect(m.session).toBeNull();
    expect(seen).toEqual([]);
  });

  it("refreshes once for many concurrent 401s in one tab", async () => {
    const server = cookieServer();
    const m = new TokenManager(server.call, sharedLock());
    m.set({ accessToken: "access-1", expiresAt: 0 });
    const all = await Promise.all([m.refresh("access-1"), m.refresh("access-1"), m.refresh("access-1")]);
    expect(all).toEqual(["access-2", "access-2", "access-2"]);
    expect(server.call).toHaveBeenCalledTimes(1);
    expect(server.state.revoked).toBe(false);
  });

  it("serialises refreshes across tabs so that none sends a spent cookie", async () => {
    // Three tabs load at once: each needs its own access token from the one cookie.
    const server = cookieServer();
    const lock = sharedLock();
    const [tabA, tabB, tabC] = [0, 1, 2].map(() => new TokenManager(server.call, lock)) as [TokenManager, TokenManager, TokenManager];
    const got = await Promise.all([tabA.restore(), tabB.restore(), tabC.restore()]);
    expect(server.state.revoked).toBe(false);
    expect(server.call).toHaveBeenCalledTimes(3);
    expect(new Set(got)).toEqual(new Set(["access-2", "access-3", "access-4"]));
    expect(server.jar()).toBe("refresh-4");
    // Later, two tabs refused at the same time each refresh in turn, with the fresh cookie.
    const [a, b] = await Promise.all([tabA.refresh(got[0]), tabB.refresh(got[1])]);
    expect(server.state.revoked).toBe(false);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
  });

  it("would revoke the session without the cross-tab lock (what the lock prevents)", async () => {
    const server = cookieServer();
    const tabs = [0, 1].map(() => new TokenManager(server.call, noLock));
    await Promise.all(tabs.map((t) => t.restore()));
    expect(server.state.revoked).toBe(true);
  });

  it("refreshes again later when the new token is refused in turn", async () => {
    const server = cookieServer();
    const m = new TokenManager(server.call, sharedLock());
    m.set({ accessToken: "access-1", expiresAt: 0 });
    expect(await m.refresh("access-1")).toBe("access-2");
    expect(await m.refresh("access-2")).toBe("access-3");
    expect(server.call).toHaveBeenCalledTimes(2);
  });

  it("answers a token refused after another refresh here replaced it without refreshing", async () => {
    const server = cookieServer();
    const m = new TokenManager(server.call, sharedLock());
    m.set({ accessToken: "access-1", expiresAt: 0 });
    await m.refresh("access-1");
    expect(await m.refresh("access-1")).toBe("access-2");
    expect(server.call).toHaveBeenCalledTimes(1);
  });

  it("clears the session and tells listeners when the server refuses the refresh", async () => {
    const m = new TokenManager(async () => null, sharedLock());
    m.set({ accessToken: "access-1", expiresAt: 0 });
    const seen: unknown[] = [];
    m.subscribe((s) => seen.push(s));
    expect(await m.refresh("access-1")).toBeNull();
    expect(m.session).toBeNull();
    expect(seen).toEqual([null]);
  });

  it("keeps the session when the network fails", async () => {
    const m = new TokenManager(() => Promise.reject(new TypeError("offline")), sharedLock());
    m.set({ accessToken: "access-1", expiresAt: 0 });
    expect(await m.refresh("access-1")).toBeNull();
    expect(m.accessToken).toBe("access-1");
  });

  it("does not let a page-load refresh undo a sign-in that happened meanwhile", async () => {
    let answer!: (t: TokenResponse | null) => void;
    const m = new TokenManager(() => new Promise((r) => (answer = r)), sharedLock());
    const restoring = m.restore();
    await Promise.resolve();
    await Promise.resolve();
    m.set({ accessToken: "signed-in", expiresAt: 0 });
    answer(null);
    expect(await restoring).toBe("signed-in");
    expect(m.accessToken).toBe("signed-in");
  });
});
