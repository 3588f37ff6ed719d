/**
 * The session's access token and its refresh.
 *
 * The refresh token is an `HttpOnly` cookie that no script here can read (ADR 0003); the
 * access token lives in this module's memory only, never in localStorage or sessionStorage.
 * After a page load the app has no access token and gets one by refreshing with the cookie.
 *
 * Refresh tokens are single use and a reused one revokes the whole session, so at most one
 * refresh may run at a time: in this tab (one shared promise) and across tabs (the Web Locks
 * API). The browser stores the rotated cookie before the fetch that brought it resolves, so
 * the next tab to take the lock sends the fresh cookie, never the spent one. Each tab holds
 * its own access token of the one session.
 */
import type { components } from "./schema";

export type TokenResponse = components["schemas"]["TokenResponse"];

/** What this tab keeps of a sign-in, in memory. */
export interface Session {
  accessToken: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
}

/** Runs `fn` while holding a lock named `name` that other tabs respect. */
export type LockRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export const LOCK_NAME = "firelater.refresh";

/** The Web Locks API when the browser has it, else a lock of this tab alone. */
export const webLocks: LockRunner = (name, fn) => {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return locks ? (locks.request(name, () => fn()) as Promise<Awaited<ReturnType<typeof fn>>>) : fn();
};

export function sessionFromTokens(t: Pick<TokenResponse, "access_token" | "expires_in">, now = Date.now()): Session {
  return { accessToken: t.access_token, expiresAt: now + t.expires_in * 1000 };
}

/**
 * Performs `POST /auth/refresh` with the refresh cookie; resolves to the new tokens, or null
 * when the session is over. Rejects when the network fails.
 */
export type RefreshCall = () => Promise<TokenResponse | null>;

export class TokenManager {
  private current: Session | null = null;
  /** Counts sign-ins and sign-outs, so a refresh that overlapped one does not undo it. */
  private generation = 0;
  private inFlight: Promise<string | null> | null = null;
  private listeners = new Set<(s: Session | null) => void>();

  constructor(
    private readonly refreshCall: RefreshCall,
    private readonly lock: LockRunner = webLocks,
  ) {}

  /** This tab's session, if any. */
  get session(): Session | null {
    return this.current;
  }

  get accessToken(): string | null {
    return this.current?.accessToken ?? null;
  }

  /** Keeps a new session (after sign-in) and tells the listeners. */
  set(session: Session): void {
    this.generation += 1;
    this.apply(session);
  }

  /** Forgets the session (sign-out here or in another tab) and tells the listeners. */
  clear(): void {
    this.generation += 1;
    this.apply(null);
  }

  subscribe(fn: (s: Session | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private apply(s: Session | null): void {
    this.current = s;
    for (const fn of this.listeners) fn(s);
  }

  /** Gets an access token from the refresh cookie after a page load; null when signed out. */
  restore(): Promise<string | null> {
    return this.refresh(null);
  }

  /**
   * Gets a fresh access token from the refresh cookie after `rejected` was refused with 401
   * (or, with null, when this tab has none yet): one refresh at a time however many requests
   * ask in however many tabs. Resolves to null when the session cannot be refreshed (then it
   * is cleared) or the network failed (then it is kept).
   */
  refresh(rejected: string | null): Promise<string | null> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.lock(LOCK_NAME, async () => {
      const current = this.current;
      // An earlier refresh in this tab already replaced the rejected token.
      if (rejected !== null && current !== null && current.accessToken !== rejected) return current.accessToken;
      const generation = this.generation;
      let next: TokenResponse | null;
      try {
        next = await this.refreshCall();
      } catch {
        // The network failed: keep the session, the caller sees its 401.
        return null;
      }
      // A sign-in or sign-out happened meanwhile: it wins over this answer.
      if (generation !== this.generation) return this.accessToken;
      if (!next) {
        if (this.current !== null) this.clear();
        return null;
      }
      this.apply(sessionFromTokens(next));
      return next.access_token;
    }).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}

/** What tabs tell each other; never a token. */
export type SessionEvent = "signed-in" | "signed-out";

/** Tells the other tabs of this origin about sign-in and sign-out. */
export interface SessionSignal {
  post(event: SessionEvent): void;
  listen(fn: (event: SessionEvent) => void): () => void;
}

/** A `BroadcastChannel` when the browser has one, else a signal that reaches no other tab. */
export function broadcastSignal(name = "firelater.session"): SessionSignal {
  if (typeof BroadcastChannel === "undefined") return { post: () => undefined, listen: () => () => undefined };
  const channel = new BroadcastChannel(name);
  return {
    post: (event) => channel.postMessage(event),
    listen: (fn) => {
      const onMessage = (e: MessageEvent) => {
        if (e.data === "signed-in" || e.data === "signed-out") fn(e.data);
      };
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
  };
}
