/**
 * A page's create form opens on `?new=1`: the palette's "New …" commands and Home's quick
 * actions link there. The parameter is dropped once read, so a reload or Back does not open
 * the form again. The same page binds `c` to the same action (`useShortcut`).
 */
import * as React from "react";
import { useSearchParams } from "react-router";

export function useCreateParam(open: () => void, enabled = true): void {
  const [params, setParams] = useSearchParams();
  const wanted = params.get("new") === "1";
  const openRef = React.useRef(open);
  React.useEffect(() => {
    openRef.current = open;
  });
  React.useEffect(() => {
    if (!wanted) return;
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.delete("new");
        return next;
      },
      { replace: true },
    );
    if (enabled) openRef.current();
  }, [wanted, enabled, setParams]);
}
