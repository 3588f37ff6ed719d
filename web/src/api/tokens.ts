/**
 * The session's tokens and their refresh.
 *
 * Refresh tokens are single use and a reused one revokes the whole session, so at most one
 * refresh may run at a time: in this tab (one shared promise) and across tabs (the Web Locks
 * API, with the tokens in localStorage so that a tab which waited finds the fresh pair another
 * tab stored and does not spend the spent token again).
 */
import type { components } from "./schema";

export type TokenResponse = components["schemas"]["TokenResponse"];

/** What is kept of a sign-in. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
}

/** Where the session lives; localStorage in the app, a map in tests. */
export interface SessionStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Runs `fn` while holding a lock named `name` that other tabs respect. */
export type LockRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export const SESSION_KEY = "firelater.session";
const LOCK_NAME = "firelater.refresh";

/** The Web Locks API when the browser has it, else a lock of this tab alone. */
export const webLocks: LockRunner = (name, fn) => {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return locks ? (locks.request(name, () => fn()) as Promise<Awaited<ReturnType<typeof fn>>>) : fn();
};

export function sessionFromTokens(t: Pick<TokenResponse, "access_token" | "refresh_token" | "expires_in">, now = Date.now()): Session {
  return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: now + t.expires_in * 1000 };
}

/** Performs `POST /auth/refresh`; resolves to the new tokens, or null when the session is over. */
export type RefreshCall = (refreshToken: string) => Promise<TokenResponse | null>;

export class TokenManager {
  private inFlight: Promise<string | null> | null = null;
  private listeners = new Set<(s: Session | null) => void>();

  constructor(
    private readonly storage: SessionStorage,
    private readonly refreshCall: RefreshCall,
    private readonly lock: LockRunner = webLocks,
  ) {}

  /** The stored session, if any. */
  get session(): Session | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as Partial<Session>;
      if (typeof s.accessToken === "string" && typeof s.refreshToken === "string" && typeof s.expiresAt === "number") {
        return s as Session;
      }
    } catch {
      // A damaged entry is no session.
    }
    return null;
  }

  get accessToken(): string | null {
    return this.session?.accessToken ?? null;
  }

  /** Stores a new session (after sign-in or refresh) and tells the listeners. */
  set(session: Session): void {
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
    this.emit(session);
  }

  /** Forgets the session (sign-out, or a refresh the server refused). */
  clear(): void {
    this.storage.removeItem(SESSION_KEY);
    this.emit(null);
  }

  /** Tells this manager that another tab changed the stored session. */
  external(): void {
    this.emit(this.session);
  }

  subscribe(fn: (s: Session | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(s: Session | null): void {
    for (const fn of this.listeners) fn(s);
  }

  /**
   * Gets a fresh access token after `rejected` was refused with 401: refreshes once, however
   * many requests ask at the same time in however many tabs. Resolves to null when the
   * session cannot be refreshed (then it is cleared).
   */
  refresh(rejected: string | null): Promise<string | null> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.lock(LOCK_NAME, async () => {
      const current = this.session;
      if (!current) return null;
      // Another tab (or an earlier refresh here) already replaced the rejected token.
      if (rejected !== null && current.accessToken !== rejected) return current.accessToken;
      let next: TokenResponse | null;
      try {
        next = await this.refreshCall(current.refreshToken);
      } catch {
        // The network failed: keep the session, the caller sees its 401.
        return null;
      }
      if (!next) {
        this.clear();
        return null;
      }
      this.set(sessionFromTokens(next));
      return next.access_token;
    }).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}
