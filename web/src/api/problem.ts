/**
 * Problem documents (RFC 9457) turned into one typed error, so every page shows the API's
 * `detail` and every form puts the API's field errors next to its fields.
 */
import type { components } from "./schema";

export type Problem = components["schemas"]["Problem"];

/** Field name → messages, as the API's `errors` member. */
export type FieldErrors = Record<string, string[]>;

/** An error answer of the API (or the network), with its problem document's members. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: FieldErrors;
  readonly requestId: string | null;

  constructor(init: { status: number; code: string; detail: string; fieldErrors?: FieldErrors; requestId?: string | null }) {
    super(init.detail);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? {};
    this.requestId = init.requestId ?? null;
  }

  /** True when the API named at least one field. */
  get hasFieldErrors(): boolean {
    return Object.keys(this.fieldErrors).length > 0;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The API writes messages in lower case without a full stop; people read sentences. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

function fieldErrorsOf(v: unknown): FieldErrors {
  if (!isRecord(v)) return {};
  const out: FieldErrors = {};
  for (const [field, messages] of Object.entries(v)) {
    if (Array.isArray(messages)) {
      const texts = messages.filter((m): m is string => typeof m === "string").map(sentence);
      if (texts.length > 0) out[field] = texts;
    } else if (typeof messages === "string") {
      out[field] = [sentence(messages)];
    }
  }
  return out;
}

const FALLBACK_DETAIL: Record<number, string> = {
  400: "The request was not understood.",
  401: "Please sign in again.",
  403: "You do not have permission to do this.",
  404: "Not found.",
  409: "This changed in the meantime.",
  413: "That is too large.",
  422: "Some fields are not valid.",
  429: "Too many attempts; wait a moment and try again.",
  500: "The server had a problem.",
  503: "The server is busy; try again.",
};

/**
 * Builds an [`ApiError`] from a failed response's status and its parsed body (a problem
 * document, some other JSON, text or nothing).
 */
export function problemToError(status: number, body: unknown, requestId?: string | null): ApiError {
  const fallback = FALLBACK_DETAIL[status] ?? (status >= 500 ? FALLBACK_DETAIL[500]! : `The request failed (${status}).`);
  if (isRecord(body)) {
    const code = typeof body.code === "string" && body.code ? body.code : `http_${status}`;
    const detail =
      typeof body.detail === "string" && body.detail
        ? sentence(body.detail)
        : typeof body.title === "string" && body.title
          ? body.title
          : fallback;
    const rid = typeof body.request_id === "string" ? body.request_id : (requestId ?? null);
    return new ApiError({ status, code, detail, fieldErrors: fieldErrorsOf(body.errors), requestId: rid });
  }
  const text = typeof body === "string" ? body.trim() : "";
  return new ApiError({
    status,
    code: `http_${status}`,
    detail: text && text.length < 300 ? text : fallback,
    requestId: requestId ?? null,
  });
}

/** Reads a failed `Response` into an [`ApiError`]. */
export async function responseToError(res: Response): Promise<ApiError> {
  const requestId = res.headers.get("x-request-id");
  let body: unknown = null;
  try {
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    body = type.includes("json") && text ? (JSON.parse(text) as unknown) : text;
  } catch {
    body = null;
  }
  return problemToError(res.status, body, requestId);
}

/** The error shown when the server could not be reached at all. */
export function networkError(cause: unknown): ApiError {
  const e = new ApiError({
    status: 0,
    code: "network_error",
    detail: "Cannot reach FireLater. Check your connection and try again.",
  });
  (e as { cause?: unknown }).cause = cause;
  return e;
}

/** Any thrown value as a message a person can read. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.detail;
  if (e instanceof Error) return e.message;
  return "Something went wrong.";
}
