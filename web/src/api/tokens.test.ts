import { describe, expect, it, vi } from "vitest";
import { SESSION_KEY, TokenManager, type LockRunner, type SessionStorage, type TokenResponse } from "./tokens";

function memoryStorage(): SessionStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

/** A lock shared by several managers, as the Web Locks API is shared by several tabs. */
function sharedLock(): LockRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return <T,>(_name: string, fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

function tokens(n: number): TokenResponse {
  return {
    access_token: `access-${n}`,
    refresh_token: `refresh-${n}`,
    token_type: "Bearer",
    expires_in: 900,
    user: {} as TokenResponse["user"],
  };
}

function seed(storage: SessionStorage, n: number) {
  storage.setItem(SESSION_KEY, JSON.stringify({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresAt: 0 }));
}

describe("TokenManager.refresh", () => {
  it("refreshes once for many concurrent 401s in one tab", async () => {
    const storage = memoryStorage();
    seed(storage, 1);
    let resolve!: (t: TokenResponse) => void;
    const call = vi.fn(() => new Promise<TokenResponse>((r) => (resolve = r)));
    const m = new TokenManager(storage, call, sharedLock());
    const all = Promise.all([m.refresh("access-1"), m.refresh("access-1"), m.refresh("access-1")]);
    await Promise.resolve();
    await Promise.resolve();
    resolve(tokens(2));
    expect(await all).toEqual(["access-2", "access-2", "access-2"]);
    expect(call).toHaveBeenCalledTimes(1);
    expect(call).toHaveBeenCalledWith("refresh-1");
    expect(m.session?.refreshToken).toBe("refresh-2");
  });

  it("does not spend a refresh token another tab already spent", async () => {
    // Two tabs: two managers over one storage and one lock.
    const storage = memoryStorage();
    seed(storage, 1);
    const lock = sharedLock();
    let n = 1;
    const call = vi.fn(async (rt: string) => {
      expect(rt).toBe(`refresh-${n}`);
      n += 1;
      return tokens(n);
    });
    const tabA = new TokenManager(storage, call, lock);
    const tabB = new TokenManager(storage, call, lock);
    const [a, b] = await Promise.all([tabA.refresh("access-1"), tabB.refresh("access-1")]);
    expect(call).toHaveBeenCalledTimes(1);
    expect(a).toBe("access-2");
    expect(b).toBe("access-2");
  });

  it("refreshes again later when the new token is refused in turn", async () => {
    const storage = memoryStorage();
    seed(storage, 1);
    const call = vi.fn().mockResolvedValueOnce(tokens(2)).mockResolvedValueOnce(tokens(3));
    const m = new TokenManager(storage, call, sharedLock());
    expect(await m.refresh("access-1")).toBe("access-2");
    expect(await m.refresh("access-2")).toBe("access-3");
    expect(call).toHaveBeenCalledTimes(2);
  });

  it("clears the session and tells listeners when the server refuses the refresh", async () => {
    const storage = memoryStorage();
    seed(storage, 1);
    const m = new TokenManager(storage, async () => null, sharedLock());
    const seen: unknown[] = [];
    m.subscribe((s) => seen.push(s));
    expect(await m.refresh("access-1")).toBeNull();
    expect(m.session).toBeNull();
    expect(seen).toEqual([null]);
  });

  it("keeps the session when the network fails", async () => {
    const storage = memoryStorage();
    seed(storage, 1);
    const m = new TokenManager(storage, () => Promise.reject(new TypeError("offline")), sharedLock());
    expect(await m.refresh("access-1")).toBeNull();
    expect(m.session?.refreshToken).toBe("refresh-1");
  });

  it("ignores a damaged stored session", () => {
    const storage = memoryStorage();
    storage.setItem(SESSION_KEY, "{not json");
    expect(new TokenManager(storage, async () => null).session).toBeNull();
  });
});
