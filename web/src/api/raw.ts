/**
 * Calls the typed client cannot make: a CSV body or a CSV answer (import and export), and
 * endpoints the generated schema does not describe yet. Same session as `api`: the bearer
 * token, one refresh on a 401, problem documents turned into `ApiError`s.
 */
import { createAuthFetch, tokens } from "./client";
import { responseToError } from "./problem";

const authFetch = createAuthFetch(tokens);

export type QueryValue = string | number | boolean | null | undefined;

export interface RawRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  query?: Record<string, QueryValue>;
  /** A JSON body (an object) or text (with its `contentType`). */
  body?: unknown;
  contentType?: string;
  accept?: string;
}

/** The URL of an API path with its query (empty values left out). */
export function apiUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(path, globalThis.location?.origin ?? "http://localhost");
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
  return url.toString();
}

/** Sends the request; the answer whatever its status. */
export async function rawFetch(path: string, req: RawRequest = {}): Promise<Response> {
  const headers = new Headers();
  let body: string | undefined;
  if (typeof req.body === "string") {
    body = req.body;
    headers.set("content-type", req.contentType ?? "text/plain");
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers.set("content-type", "application/json");
  }
  headers.set("accept", req.accept ?? "application/json");
  return authFetch(new Request(apiUrl(path, req.query), { method: req.method ?? "GET", headers, body }));
}

/** Sends the request and returns its JSON (nothing for 204); throws the problem as `ApiError`. */
export async function rawJson<T>(path: string, req: RawRequest = {}): Promise<T> {
  const res = await rawFetch(path, req);
  if (!res.ok) throw await responseToError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
