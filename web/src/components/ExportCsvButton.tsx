/**
 * "Export CSV": fetches the list as the page shows it (its filters, search and sort, every
 * page) with `Accept: text/csv` in the signed-in session, and saves it under the server's name.
 */
import { FileDown } from "lucide-react";
import * as React from "react";
import { errorMessage, responseToError } from "@/api/problem";
import { rawFetch, type QueryValue } from "@/api/raw";
import { toast } from "@/components/toast";
import { Button } from "@/components/ui/button";
import { filenameOf } from "@/lib/csv";

export async function downloadCsv(path: string, query: Record<string, QueryValue>, fallbackName: string): Promise<string> {
  const res = await rawFetch(path, { query, accept: "text/csv" });
  if (!res.ok) throw await responseToError(res);
  const name = filenameOf(res.headers.get("content-disposition"), fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export function ExportCsvButton({ path, query, fallbackName }: { path: string; query: Record<string, QueryValue>; fallbackName: string }) {
  const [busy, setBusy] = React.useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const { page: _page, per_page: _perPage, ...rest } = query;
      const name = await downloadCsv(path, rest, fallbackName);
      toast.success(`Exported ${name}`);
    } catch (e) {
      toast.error(`Could not export: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="outline" onClick={() => void run()} disabled={busy}>
      <FileDown aria-hidden="true" /> {busy ? "Exporting…" : "Export CSV"}
    </Button>
  );
}
