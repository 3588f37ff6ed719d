/**
 * Imports a CSV file into a list (applications, CIs): choose a file or paste the text,
 * "Check" runs the import as a dry run and shows its report (every bad row by line and field),
 * and "Import" — offered only after a clean check of the same text — writes every row or none.
 */
import { Download, FileCheck2, Upload } from "lucide-react";
import * as React from "react";
import { errorMessage, responseToError } from "@/api/problem";
import { rawFetch } from "@/api/raw";
import { toast } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/input";
import { describeError, groupByLine, templateCsv, type ImportReport } from "@/lib/csv";
import { useDialogGuard } from "@/lib/useUnsavedChanges";

function isReport(v: unknown): v is ImportReport {
  return typeof v === "object" && v !== null && "total_rows" in v && Array.isArray((v as ImportReport).errors);
}

/** Posts the CSV; the report of a dry run (200), a full import (201) or a refused one (422, inside its problem). */
export async function postImport(endpoint: string, text: string, dryRun: boolean): Promise<ImportReport> {
  const res = await rawFetch(endpoint, { method: "POST", query: { dry_run: dryRun }, body: text, contentType: "text/csv" });
  if (res.ok || res.status === 422) {
    const body: unknown = await res
      .clone()
      .json()
      .catch(() => null);
    if (isReport(body)) return body;
    // A refused import is a `validation_failed` problem carrying the report.
    const carried = typeof body === "object" && body !== null ? (body as { report?: unknown }).report : undefined;
    if (isReport(carried)) return carried;
  }
  throw await responseToError(res);
}

export interface ImportCsvDialogProps {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  /** What is imported, plural ("applications", "configuration items"). */
  what: string;
  /** `POST` endpoint, e.g. `/api/v1/applications/import`. */
  endpoint: string;
  /** The template's columns. */
  columns: readonly string[];
  templateName: string;
  /** Called with the number of rows written. */
  onImported?: (created: number) => void;
}

export function ImportCsvDialog({ open, onOpenChange, what, endpoint, columns, templateName, onImported }: ImportCsvDialogProps) {
  const [text, setText] = React.useState("");
  const [report, setReport] = React.useState<ImportReport | null>(null);
  /** The text the report is about: a change of text asks for a new check. */
  const [checked, setChecked] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState<"check" | "import" | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const ids = React.useId();

  const close = React.useCallback(() => {
    setText("");
    setReport(null);
    setChecked(null);
    setError(null);
    onOpenChange(false);
  }, [onOpenChange]);
  const guard = useDialogGuard(text.trim() !== "", close);

  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? "check" : "import");
    setError(null);
    try {
      const r = await postImport(endpoint, text, dryRun);
      setReport(r);
      setChecked(text);
      if (!dryRun && r.errors.length === 0) {
        toast.success(`Imported ${r.created} ${what}`);
        onImported?.(r.created);
        close();
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const current = report !== null && checked === text;
  const canImport = current && report.dry_run && report.errors.length === 0 && report.valid_rows > 0;
  const template = `data:text/csv;charset=utf-8,${encodeURIComponent(templateCsv(columns))}`;
  const lines = report ? groupByLine(report.errors) : [];

  return (
    <Dialog open={open} onOpenChange={guard.onOpenChange}>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Import {what} from CSV</DialogTitle>
          <DialogDescription>
            Check the file first: nothing is written unless every row is good.{" "}
            <a href={template} download={templateName} className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline">
              <Download className="size-3.5" aria-hidden="true" /> Download template
            </a>
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor={`${ids}-file`}>CSV file</Label>
            <input
              id={`${ids}-file`}
              type="file"
              accept=".csv,text/csv"
              className="text-sm file:mr-3 file:rounded-md file:border file:border-input file:bg-background file:px-3 file:py-1.5 file:text-sm"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void file.text().then(setText);
              }}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={`${ids}-text`}>Or paste the CSV</Label>
            <textarea
              id={`${ids}-text`}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              rows={7}
              className="w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-xs"
              placeholder={columns.join(",")}
            />
          </div>
          {error && <Alert variant="error">{error}</Alert>}
          {report && current && (
            <div className="grid gap-2 rounded-md border p-3 text-sm" role="status" data-testid="import-report">
              <p>
                <strong>{report.total_rows}</strong> {report.total_rows === 1 ? "row" : "rows"}, <strong>{report.valid_rows}</strong> valid
                {report.errors.length > 0 ? (
                  <>
                    , <strong className="text-destructive">{report.errors.length}</strong> {report.errors.length === 1 ? "error" : "errors"}.
                    Fix them and check again.
                  </>
                ) : report.dry_run ? (
                  ". Ready to import."
                ) : (
                  "."
                )}
              </p>
              {lines.length > 0 && (
                <ul className="grid max-h-48 gap-0.5 overflow-y-auto text-xs" data-testid="import-errors">
                  {lines.flatMap((l) =>
                    l.errors.map((e, i) => (
                      <li key={`${l.line}-${e.field}-${i}`} className="text-destructive">
                        {describeError(e)}
                      </li>
                    )),
                  )}
                </ul>
              )}
            </div>
          )}
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={guard.requestClose}>
            Cancel
          </Button>
          <Button variant="outline" onClick={() => void run(true)} disabled={busy !== null || text.trim() === ""}>
            <FileCheck2 aria-hidden="true" /> {busy === "check" ? "Checking…" : "Check"}
          </Button>
          <Button onClick={() => void run(false)} disabled={busy !== null || !canImport}>
            <Upload aria-hidden="true" /> {busy === "import" ? "Importing…" : "Import"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
