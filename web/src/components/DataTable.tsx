/**
 * The list every module uses: server-side pagination and sorting, with loading, empty and
 * error states. Its state (page, sort, filters) lives in the URL and its props come from
 * `useListQuery` (`lib/useListQuery`). Rows are compact (about 36 px); a row that opens
 * something is clickable as a whole, and holds a link or button that does the same for the
 * keyboard. `j`/`k` choose a row and Enter opens it; with a `tableId`, its user may hide
 * columns (kept per user, see `lib/columnPrefs`).
 */
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight, Columns3 } from "lucide-react";
import * as React from "react";
import { errorMessage } from "@/api/problem";
import { useAuth } from "@/auth/auth";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { columnPrefsKey, useHiddenColumns } from "@/lib/columnPrefs";
import { nextActive } from "@/lib/listKeys";
import { useShortcut } from "@/lib/shortcuts";
import type { SortOrder } from "@/lib/tableState";
import { cn } from "@/lib/utils";

export interface Column<T, S extends string> {
  key: string;
  header: string;
  /** The API's sort column, when this column sorts. */
  sort?: S;
  cell: (row: T) => React.ReactNode;
  className?: string;
  /** False for a column its user may not hide (the first column never hides). */
  hideable?: boolean;
}

export interface PageMeta {
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

interface DataTableProps<T, S extends string> {
  caption: string;
  columns: Column<T, S>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  meta: PageMeta | undefined;
  sort: S;
  order: SortOrder;
  onSort: (column: S) => void;
  onPage: (page: number) => void;
  perPage: number;
  perPageOptions: readonly number[];
  onPerPage: (n: number) => void;
  isLoading: boolean;
  isFetching?: boolean;
  error: unknown;
  onRetry: () => void;
  /** Shown in place of rows when there are none: an `EmptyState`. */
  empty: React.ReactNode;
  /**
   * What a click anywhere on the row does (open the row's page, unfold its details). The row
   * must also hold a link or button doing the same, for the keyboard; clicks on links,
   * buttons and fields inside the row are left to them.
   */
  onRowClick?: (row: T) => void;
  /** Details shown under a row, across all columns, when not null (the row is unfolded). */
  rowDetail?: (row: T) => React.ReactNode;
  /** A test id for each row (its `tbody` when rows have details). */
  rowTestId?: string;
  /** Names the list for its user's column choice; without it every column shows. */
  tableId?: string;
}

/** Whether a click landed on something that handles clicks itself. */
function onControl(e: React.MouseEvent): boolean {
  const target = e.target as HTMLElement;
  return target.closest("a, button, input, select, textarea, label, [role=button]") !== null;
}

export function DataTable<T, S extends string>(props: DataTableProps<T, S>) {
  const { me } = useAuth();
  const [hidden, toggleColumn] = useHiddenColumns(
    props.tableId && me ? columnPrefsKey(me.user.id, props.tableId) : null,
  );
  const columns = props.columns.filter((c, i) => i === 0 || c.hideable === false || !hidden.has(c.key));
  const p = { ...props, columns };

  // The row chosen by j/k: an index into this page's rows, forgotten when the page changes.
  const [active, setActive] = React.useState<{ rows: T[] | undefined; index: number } | null>(null);
  const activeIndex = active && active.rows === p.rows ? active.index : null;
  const count = p.isLoading ? 0 : (p.rows?.length ?? 0);
  const bodyRef = React.useRef<HTMLDivElement>(null);
  const move = (key: "j" | "k") => {
    const index = nextActive(activeIndex, count, key);
    setActive(index === null ? null : { rows: p.rows, index });
  };
  useShortcut("j", "Next row", () => move("j"), count > 0, "Lists");
  useShortcut("k", "Previous row", () => move("k"), count > 0, "Lists");
  const open = p.onRowClick;
  useShortcut(
    "Enter",
    "Open the chosen row",
    () => {
      const row = activeIndex !== null ? p.rows?.[activeIndex] : undefined;
      if (row !== undefined) open?.(row);
    },
    open !== undefined && activeIndex !== null,
    "Lists",
  );
  React.useEffect(() => {
    if (activeIndex === null) return;
    const el = bodyRef.current?.querySelector<HTMLElement>(`[data-row-index="${activeIndex}"]`);
    // jsdom has no scrollIntoView.
    el?.scrollIntoView?.({ block: "nearest" });
  }, [activeIndex]);

  const total = p.meta?.total ?? 0;
  const pages = Math.max(p.meta?.total_pages ?? 1, 1);
  const page = p.meta?.page ?? 1;
  return (
    // minmax(0, 1fr): a wide table scrolls inside its box instead of widening the page.
    <div className="grid grid-cols-[minmax(0,1fr)] gap-3">
      {p.error != null && (
        <Alert variant="error">
          <p>Could not load this list: {errorMessage(p.error)}</p>
          <Button variant="outline" size="sm" onClick={p.onRetry}>
            Try again
          </Button>
        </Alert>
      )}
      <div
        ref={bodyRef}
        className={cn("rounded-lg border bg-card", p.isFetching && !p.isLoading && "opacity-70")} aria-busy={p.isLoading || p.isFetching}>
        <Table>
          <caption className="sr-only">{p.caption}</caption>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              {p.columns.map((c) => {
                const sorted = c.sort !== undefined && p.sort === c.sort;
                return (
                  <TableHead
                    key={c.key}
                    className={c.className}
                    scope="col"
                    aria-sort={sorted ? (p.order === "asc" ? "ascending" : "descending") : undefined}
                  >
                    {c.sort !== undefined ? (
                      <button
                        type="button"
                        className="-ml-2 inline-flex items-center gap-1 rounded px-2 py-1 hover:bg-accent hover:text-accent-foreground"
                        onClick={() => p.onSort(c.sort as S)}
                      >
                        {c.header}
                        {sorted ? (
                          p.order === "asc" ? (
                            <ArrowUp className="size-3.5" aria-hidden="true" />
                          ) : (
                            <ArrowDown className="size-3.5" aria-hidden="true" />
                          )
                        ) : (
                          <ArrowUpDown className="size-3.5 opacity-50" aria-hidden="true" />
                        )}
                        <span className="sr-only">
                          {sorted ? `, sorted ${p.order === "asc" ? "ascending" : "descending"}` : ", sort"}
                        </span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </TableHead>
                );
              })}
            </TableRow>
          </TableHeader>
          <TableBody>
            {p.isLoading &&
              Array.from({ length: 5 }, (_, i) => (
                <TableRow key={`skeleton-${i}`} data-testid="row-skeleton">
                  {p.columns.map((c) => (
                    <TableCell key={c.key} className={c.className}>
                      <Skeleton className="h-4 w-full max-w-40" />
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            {!p.isLoading &&
              !p.rowDetail &&
              p.rows?.map((row, i) => (
                <Row key={p.rowKey(row)} table={p} row={row} index={i} active={i === activeIndex} />
              ))}
            {!p.isLoading && p.error == null && p.rows?.length === 0 && (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={p.columns.length} className="whitespace-normal p-0">
                  {p.empty}
                </TableCell>
              </TableRow>
            )}
          </TableBody>
          {/* Rows with details: one row group each, so a row and its details stay together. */}
          {!p.isLoading &&
            p.rowDetail &&
            p.rows?.map((row, i) => {
              const detail = p.rowDetail?.(row);
              return (
                <tbody key={p.rowKey(row)} data-testid={p.rowTestId} className="border-b last:border-0">
                  <Row table={p} row={row} index={i} active={i === activeIndex} inGroup />
                  {detail != null && (
                    <tr>
                      <td colSpan={p.columns.length} className="bg-muted/30 p-3">
                        {detail}
                      </td>
                    </tr>
                  )}
                </tbody>
              );
            })}
        </Table>
      </div>
      <nav className="flex flex-wrap items-center justify-between gap-3 text-sm" aria-label="Pagination">
        <p className="text-muted-foreground" aria-live="polite">
          {p.meta ? `${total} ${total === 1 ? "result" : "results"} · page ${page} of ${pages}` : "\u00a0"}
        </p>
        <div className="flex items-center gap-2">
          {props.tableId && (
            <ColumnChooser columns={props.columns} hidden={hidden} onToggle={toggleColumn} />
          )}
          <label className="flex items-center gap-2 text-muted-foreground">
            <span>Rows</span>
            <Select
              className="h-8 w-auto"
              value={p.perPage}
              onChange={(e) => p.onPerPage(Number(e.target.value))}
              aria-label="Rows per page"
            >
              {p.perPageOptions.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </Select>
          </label>
          <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => p.onPage(page - 1)} aria-label="Previous page">
            <ChevronLeft aria-hidden="true" />
          </Button>
          <Button variant="outline" size="sm" disabled={page >= pages} onClick={() => p.onPage(page + 1)} aria-label="Next page">
            <ChevronRight aria-hidden="true" />
          </Button>
        </div>
      </nav>
    </div>
  );
}

function ColumnChooser<T, S extends string>({
  columns,
  hidden,
  onToggle,
}: {
  columns: Column<T, S>[];
  hidden: ReadonlySet<string>;
  onToggle: (key: string) => void;
}) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm" aria-label="Choose columns" data-testid="choose-columns">
          <Columns3 aria-hidden="true" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>Columns</DropdownMenuLabel>
        <DropdownMenuSeparator />
        {columns.map((c, i) => (
          <DropdownMenuCheckboxItem
            key={c.key}
            checked={i === 0 || c.hideable === false || !hidden.has(c.key)}
            disabled={i === 0 || c.hideable === false}
            onSelect={(e) => e.preventDefault()}
            onCheckedChange={() => onToggle(c.key)}
          >
            {c.header || c.key}
          </DropdownMenuCheckboxItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function Row<T, S extends string>({
  table: p,
  row,
  index,
  active,
  inGroup,
}: {
  table: DataTableProps<T, S>;
  row: T;
  index: number;
  active: boolean;
  inGroup?: boolean;
}) {
  const click = p.onRowClick;
  return (
    <TableRow
      data-testid={inGroup ? undefined : p.rowTestId}
      data-row-index={index}
      data-active={active || undefined}
      aria-current={active || undefined}
      className={cn(
        "h-9",
        inGroup && "border-0",
        click && "cursor-pointer",
        active && "bg-accent/70 shadow-[inset_3px_0_0_var(--color-primary)]",
      )}
      onClick={
        click
          ? (e) => {
              // A click on a control, or the end of selecting text, is not a row click.
              if (onControl(e) || (window.getSelection()?.toString() ?? "") !== "") return;
              click(row);
            }
          : undefined
      }
    >
      {p.columns.map((c) => (
        <TableCell key={c.key} className={c.className}>
          {c.cell(row)}
        </TableCell>
      ))}
    </TableRow>
  );
}
