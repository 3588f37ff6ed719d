/**
 * CSV import and export helpers: the import report's errors by line, a template file's header
 * row, and the file name a download gets.
 */

/** One bad cell or row of a CSV import, as the API reports it. */
export interface ImportError {
  line: number;
  /** The column; empty for an error about the whole row. */
  field: string;
  code: string;
  message: string;
}

/** The answer of `POST …/import?dry_run=…`. */
export interface ImportReport {
  dry_run: boolean;
  total_rows: number;
  valid_rows: number;
  created: number;
  errors: ImportError[];
}

/** A template: the header row (and any extra columns, such as `attr.os`), nothing else. */
export function templateCsv(columns: readonly string[], extra: readonly string[] = []): string {
  return `${[...columns, ...extra].map(csvCell).join(",")}\n`;
}

/** One CSV cell, quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface LineErrors {
  line: number;
  errors: ImportError[];
}

/** The errors by line, lines in order and each line's errors by field. */
export function groupByLine(errors: readonly ImportError[]): LineErrors[] {
  const lines = new Map<number, ImportError[]>();
  for (const e of errors) {
    const list = lines.get(e.line);
    if (list) list.push(e);
    else lines.set(e.line, [e]);
  }
  return [...lines.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, list]) => ({ line, errors: list.slice().sort((a, b) => a.field.localeCompare(b.field)) }));
}

/** "Line 3 · tier: must be one of P1, P2, P3, P4" (a line-wide error names no field). */
export function describeError(e: ImportError): string {
  return e.field ? `Line ${e.line} · ${e.field}: ${e.message}` : `Line ${e.line} · ${e.message}`;
}

/** The file name of a `Content-Disposition` header, or the fallback. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'[^']*')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // A malformed encoded name: fall through to the plain one.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  const name = (plain?.[2] ?? plain?.[1])?.trim();
  return name || fallback;
}
