/**
 * A CI class's `attribute_schema` (JSON Schema, the subset the API accepts) turned into form
 * fields, and the form's text back into the `attributes` object the API validates.
 */
import type { AttributeSchema } from "./types";

export type AttributeKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

export interface AttributeField {
  key: string;
  label: string;
  kind: AttributeKind;
  required: boolean;
  /** The choices of an `enum`. */
  options?: string[];
  /** What the schema asks for, in words ("An IPv4 address", "At least 1"). */
  hint?: string;
}

/** What the form holds per attribute: text for inputs, a flag for a checkbox. */
export type AttributeValues = Record<string, string | boolean>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const ACRONYMS = new Set(["os", "cpu", "ram", "gb", "mb", "tb", "ip", "dns", "url", "uri", "id", "tls", "ssl", "ttl", "vm", "az", "sku", "api", "fqdn", "mac"]);

/** "cpu_cores" → "CPU cores", "ip_address" → "IP address". */
export function humanize(key: string): string {
  const words = key
    .split(/[_\-\s]+/)
    .filter((w) => w !== "")
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  if (words.length === 0) return key;
  const first = words[0]!;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(" ");
}

const FORMAT_HINTS: Record<string, string> = {
  ipv4: "An IPv4 address, such as 10.0.0.12.",
  "date-time": "A date and time, such as 2027-01-31T12:00:00Z.",
  uri: "An address, such as https://example.com.",
  email: "An email address.",
};

function hintOf(prop: Record<string, unknown>, kind: AttributeKind): string | undefined {
  const parts: string[] = [];
  if (typeof prop.description === "string" && prop.description) parts.push(prop.description);
  if (typeof prop.format === "string" && FORMAT_HINTS[prop.format]) parts.push(FORMAT_HINTS[prop.format]!);
  const min = typeof prop.minimum === "number" ? prop.minimum : undefined;
  const max = typeof prop.maximum === "number" ? prop.maximum : undefined;
  if (min !== undefined && max !== undefined) parts.push(`From ${min} to ${max}.`);
  else if (min !== undefined) parts.push(`At least ${min}.`);
  else if (max !== undefined) parts.push(`At most ${max}.`);
  if (kind === "json") parts.push("JSON.");
  return parts.length > 0 ? parts.join(" ") : undefined;
}

function kindOf(prop: Record<string, unknown>): AttributeKind {
  if (Array.isArray(prop.enum) && prop.enum.length > 0 && prop.enum.every((v) => typeof v === "string")) return "enum";
  switch (prop.type) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    default:
      return "json";
  }
}

/** The form fields of a schema's properties, in the schema's order; none without a schema. */
export function fieldsOf(schema: AttributeSchema): AttributeField[] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : []);
  return Object.entries(schema.properties).map(([key, raw]) => {
    const prop = isRecord(raw) ? raw : {};
    const kind = kindOf(prop);
    const field: AttributeField = {
      key,
      label: typeof prop.title === "string" && prop.title ? prop.title : humanize(key),
      kind,
      required: required.has(key),
    };
    if (kind === "enum") field.options = (prop.enum as string[]).slice();
    const hint = hintOf(prop, kind);
    if (hint) field.hint = hint;
    return field;
  });
}

/** The form's values for a CI's attributes (empty for attributes it does not have). */
export function valuesOf(fields: readonly AttributeField[], attributes: Record<string, unknown>): AttributeValues {
  const out: AttributeValues = {};
  for (const f of fields) {
    const v = attributes[f.key];
    if (f.kind === "boolean") out[f.key] = v === true;
    else if (v === undefined || v === null) out[f.key] = "";
    else if (f.kind === "json") out[f.key] = JSON.stringify(v);
    else out[f.key] = String(v);
  }
  return out;
}

export interface AttributesResult {
  attributes: Record<string, unknown>;
  /** Attribute key → message, for input the browser can already tell is not what the field takes. */
  errors: Record<string, string>;
}

/**
 * The `attributes` object for the API: numbers as numbers, empty fields left out (the server
 * says which are required), and the CI's attributes the schema does not name kept as they were.
 */
export function attributesOf(
  fields: readonly AttributeField[],
  values: AttributeValues,
  keep: Record<string, unknown> = {},
): AttributesResult {
  const named = new Set(fields.map((f) => f.key));
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(keep)) if (!named.has(k)) attributes[k] = v;
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.key];
    if (f.kind === "boolean") {
      attributes[f.key] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") continue;
    switch (f.kind) {
      case "number":
      case "integer": {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[f.key] = "Enter a number.";
        else if (f.kind === "integer" && !Number.isInteger(n)) errors[f.key] = "Enter a whole number.";
        else attributes[f.key] = n;
        break;
      }
      case "json":
        try {
          attributes[f.key] = JSON.parse(text) as unknown;
        } catch {
          errors[f.key] = "Enter valid JSON.";
        }
        break;
      default:
        attributes[f.key] = text;
    }
  }
  return { attributes, errors };
}

/** The API's field name for an attribute ("attributes.cpu_cores"). */
export function attributeField(key: string): `attributes.${string}` {
  return `attributes.${key}`;
}
