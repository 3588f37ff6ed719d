/**
 * The typed API client: `openapi-fetch` over the generated `paths`, with a fetch that adds
 * the bearer token, refreshes once on a 401 and retries, and turns network failures into
 * [`ApiError`]s. [`unwrap`] turns an error answer into a thrown [`ApiError`].
 */
import createClient from "openapi-fetch";
import { ApiError, networkError, problemToError } from "./problem";
import type { paths } from "./schema";
import { TokenManager, type SessionStorage, type TokenResponse } from "./tokens";

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

/** `POST /auth/refresh` without the client (it must not itself refresh). */
export function refreshCall(baseUrl = ""): (refreshToken: string) => Promise<TokenResponse | null> {
  return async (refreshToken) => {
    const res = await fetch(`${baseUrl}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    if (res.status === 401 || res.status === 400 || res.status === 422) return null;
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

const memory = new Map<string, string>();
const fallbackStorage: SessionStorage = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => void memory.set(k, v),
  removeItem: (k) => void memory.delete(k),
};

function browserStorage(): SessionStorage {
  try {
    const s = globalThis.localStorage;
    s.getItem("firelater.probe");
    return s;
  } catch {
    return fallbackStorage;
  }
}

/** The app's one token manager. */
export const tokens = new TokenManager(browserStorage(), refreshCall());

/** The app's one typed client. */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "", fetch: createAuthFetch(tokens) });

export { ApiError };
