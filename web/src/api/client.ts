/**
 * The typed API client: `openapi-fetch` over the generated `paths`, with a fetch that adds
 * the bearer token (kept in memory only), refreshes once on a 401 with the refresh cookie and
 * retries, and turns network failures into [`ApiError`]s. [`unwrap`] turns an error answer
 * into a thrown [`ApiError`].
 */
import createClient from "openapi-fetch";
import { ApiError, networkError, problemToError } from "./problem";
import type { paths } from "./schema";
import { broadcastSignal, TokenManager, type TokenResponse } from "./tokens";

/** The header that proves a cookie-authenticated call comes from the app (ADR 0003). */
export const CSRF_HEADER = { "X-Requested-With": "firelater" } as const;

/** Endpoints that take no bearer token and whose 401 is an answer, not an expiry. */
const NO_REFRESH = new Set([
  "/api/v1/auth/login",
  "/api/v1/auth/refresh",
  "/api/v1/auth/forgot-password",
  "/api/v1/auth/reset-password",
]);

type Fetch = (input: Request) => Promise<Response>;

function withBearer(req: Request, token: string | null): Request {
  if (token) req.headers.set("Authorization", `Bearer ${token}`);
  return req;
}

/** A fetch that signs requests with the session's token and refreshes it once on 401. */
export function createAuthFetch(tokens: TokenManager, baseFetch: Fetch = (r) => globalThis.fetch(r)): Fetch {
  return async (input: Request) => {
    const path = new URL(input.url).pathname;
    const token = tokens.accessToken;
    // Kept before the first attempt consumes the body, for the retry.
    const retry = input.clone();
    let res: Response;
    try {
      res = await baseFetch(withBearer(input, token));
    } catch (e) {
      throw networkError(e);
    }
    if (res.status !== 401 || token === null || NO_REFRESH.has(path)) return res;
    const fresh = await tokens.refresh(token);
    if (!fresh) return res;
    try {
      return await baseFetch(withBearer(retry, fresh));
    } catch (e) {
      throw networkError(e);
    }
  };
}

/**
 * `POST /auth/refresh` with the refresh cookie, without the client (it must not itself
 * refresh). The body names no token, so the server spends and rotates the cookie.
 */
export function refreshCall(baseUrl = "", baseFetch: typeof fetch = (...a) => globalThis.fetch(...a)): () => Promise<TokenResponse | null> {
  return async () => {
    const res = await baseFetch(`${baseUrl}/api/v1/auth/refresh`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", ...CSRF_HEADER },
      body: "{}",
    });
    // No cookie, a spent or revoked one, a suspended tenant: the session is over.
    if ([400, 401, 403, 422].includes(res.status)) return null;
    if (!res.ok) throw problemToError(res.status, null);
    return (await res.json()) as TokenResponse;
  };
}

/** Answers of `openapi-fetch`: data or error, and the response. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer; throws the answer's [`ApiError`] otherwise. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw problemToError(response.status, error, response.headers.get("x-request-id"));
}

// Earlier versions kept both tokens in localStorage; a stored pair is removed on sight.
try {
  globalThis.localStorage?.removeItem("firelater.session");
} catch {
  // No storage (private mode): nothing was kept there either.
}

/** The app's one token manager. */
export const tokens = new TokenManager(refreshCall());

/** Sign-in and sign-out news between this origin's tabs. */
export const sessionSignal = broadcastSignal();

/** The app's one typed client; it reads JSON answers (a list may also answer `text/csv`, asked for by a download, not by this client). */
export const api = createClient<paths, "application/json">({ baseUrl: globalThis.location?.origin ?? "", fetch: createAuthFetch(tokens) });

export { ApiError };
