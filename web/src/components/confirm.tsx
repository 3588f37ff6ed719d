/**
 * A confirm step for what cannot be undone (delete a group, revoke a key, discard a form):
 *
 *   const confirm = useConfirm();
 *   if (!(await confirm({ title: "Delete Platform?", body: "…", action: "Delete", destructive: true }))) return;
 *
 * The dialog is modal; Escape or Cancel answer no. Focus goes back to where it was (the button
 * that asked) when it closes. `ConfirmProvider` is mounted once, in the app's root.
 */
import * as React from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";

export interface ConfirmOptions {
  title: string;
  body?: React.ReactNode;
  /** The confirming button's label ("Delete", "Discard"). */
  action: string;
  /** Red button: the action destroys something. */
  destructive?: boolean;
  /** The cancelling button's label. */
  cancel?: string;
}

type Ask = (o: ConfirmOptions) => Promise<boolean>;

const ConfirmContext = React.createContext<Ask | null>(null);

export function ConfirmProvider({ children }: { children: React.ReactNode }) {
  const [pending, setPending] = React.useState<{ options: ConfirmOptions; resolve: (ok: boolean) => void } | null>(null);
  // Focus goes back to the button that asked: `DialogContent` returns it to the last element
  // focused outside a dialog.
  const ask = React.useCallback<Ask>((options) => new Promise<boolean>((resolve) => setPending({ options, resolve })), []);

  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };

  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <Dialog open={pending !== null} onOpenChange={(o) => !o && answer(false)}>
        <DialogContent role="alertdialog" data-testid="confirm-dialog">
          {pending && (
            <>
              <DialogHeader>
                <DialogTitle>{pending.options.title}</DialogTitle>
                <DialogDescription asChild={typeof pending.options.body !== "string"}>
                  {typeof pending.options.body === "string" ? pending.options.body : <div>{pending.options.body}</div>}
                </DialogDescription>
              </DialogHeader>
              <DialogFooter>
                <Button variant="outline" onClick={() => answer(false)} data-testid="confirm-cancel">
                  {pending.options.cancel ?? "Cancel"}
                </Button>
                <Button
                  variant={pending.options.destructive ? "destructive" : "default"}
                  onClick={() => answer(true)}
                  autoFocus
                  data-testid="confirm-ok"
                >
                  {pending.options.action}
                </Button>
              </DialogFooter>
            </>
          )}
        </DialogContent>
      </Dialog>
    </ConfirmContext.Provider>
  );
}

/** Asks the user to confirm; resolves to their answer. */
export function useConfirm(): Ask {
  const ask = React.useContext(ConfirmContext);
  if (!ask) throw new Error("useConfirm needs a ConfirmProvider above it");
  return ask;
}
