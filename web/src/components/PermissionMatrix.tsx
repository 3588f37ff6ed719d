import { rowState, toggle, toggleRow, type Matrix } from "@/lib/permissionMatrix";

const label = (s: string) => s.replace(/_/g, " ");

/** Resources as rows, actions as columns; read-only when `onChange` is absent. */
export function PermissionMatrix({
  matrix,
  selected,
  onChange,
}: {
  matrix: Matrix;
  selected: ReadonlySet<string>;
  onChange?: (next: Set<string>) => void;
}) {
  return (
    <div className="overflow-x-auto rounded-md border" data-testid="permission-matrix">
      <table className="w-full text-sm">
        <caption className="sr-only">Permissions by resource and action</caption>
        <thead className="bg-muted/50">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">
              Resource
            </th>
            {matrix.actions.map((a) => (
              <th key={a} scope="col" className="px-2 py-2 text-center font-medium">
                {label(a)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.resources.map((r) => {
            const state = rowState(matrix, selected, r);
            return (
              <tr key={r} className="border-t">
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  <label className="flex items-center gap-2 whitespace-nowrap">
                    {onChange && (
                      <input
                        type="checkbox"
                        className="size-4 accent-primary"
                        checked={state === "all"}
                        ref={(el) => {
                          if (el) el.indeterminate = state === "some";
                        }}
                        onChange={() => onChange(toggleRow(matrix, selected, r))}
                        aria-label={`All ${label(r)} permissions`}
                      />
                    )}
                    {label(r)}
                  </label>
                </th>
                {matrix.actions.map((a) => {
                  const key = `${r}:${a}`;
                  const def = matrix.cells.get(key);
                  return (
                    <td key={a} className="px-2 py-1.5 text-center">
                      {def &&
                        (onChange ? (
                          <input
                            type="checkbox"
                            className="size-4 accent-primary"
                            checked={selected.has(key)}
                            onChange={() => onChange(toggle(selected, key))}
                            aria-label={key}
                            title={def.description}
                          />
                        ) : selected.has(key) ? (
                          <span title={def.description}>
                            <span aria-hidden="true">✓</span>
                            <span className="sr-only">{key}</span>
                          </span>
                        ) : null)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

