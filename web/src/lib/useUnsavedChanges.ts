/**
 * No lost work. A page with a form calls `useUnsavedChanges(form.formState.isDirty)`: while
 * dirty, leaving by a link, the back button or the palette asks first, and closing or
 * reloading the tab gets the browser's own warning. A form in a dialog also uses
 * `useDialogGuard(dirty, close)`, so Escape, a click outside and the close button ask before
 * throwing the input away.
 *
 * Each form passes its own dirty flag: saving one section resets that section's form
 * (`form.reset(saved)`) and leaves the others as they are.
 */
import * as React from "react";
import { useBlocker } from "react-router";
import { useConfirm } from "@/components/confirm";

const DISCARD = {
  title: "Discard your changes?",
  body: "What you typed has not been saved.",
  action: "Discard",
  cancel: "Keep editing",
  destructive: true,
} as const;

export function useUnsavedChanges(dirty: boolean): void {
  const confirm = useConfirm();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  React.useEffect(() => {
    if (blocker.state !== "blocked") return;
    let live = true;
    void confirm(DISCARD).then((ok) => {
      if (!live) return;
      if (ok) blocker.proceed();
      else blocker.reset();
    });
    return () => {
      live = false;
    };
  }, [blocker, confirm]);

  React.useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Chromium still needs returnValue set to show its prompt.
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);
}

/**
 * For a form in a dialog: pass `onOpenChange` to the dialog's `Dialog` and route its Cancel
 * button through `requestClose`. While `dirty`, Escape, a click outside, the close button and
 * Cancel ask before `close()` runs; focus then returns to what opened the dialog.
 */
export function useDialogGuard(
  dirty: boolean,
  close: () => void,
): { onOpenChange: (open: boolean) => void; requestClose: () => void } {
  const confirm = useConfirm();
  const requestClose = React.useCallback(() => {
    if (!dirty) {
      close();
      return;
    }
    void confirm(DISCARD).then((ok) => ok && close());
  }, [dirty, close, confirm]);
  return { requestClose, onOpenChange: (open) => !open && requestClose() };
}
