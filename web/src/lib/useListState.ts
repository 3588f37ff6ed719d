import * as React from "react";
import { useSearchParams } from "react-router";
import { listStateToParams, parseListState, type ListSpec, type ListState } from "./tableState";

/** A list's state read from and written to the URL's query. */
export function useListState<S extends string, F extends string>(spec: ListSpec<S, F>) {
  const [params, setParams] = useSearchParams();
  const state = React.useMemo(() => parseListState(params, spec), [params, spec]);
  const setState = React.useCallback(
    (next: ListState<S, F>, opts?: { replace?: boolean }) => {
      setParams(listStateToParams(next, spec), { replace: opts?.replace ?? false });
    },
    [setParams, spec],
  );
  return [state, setState] as const;
}
