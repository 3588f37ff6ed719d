/**
 * Feedback after an action: one toast at a time, bottom right (bottom on a phone), announced
 * politely (errors at once). A new toast replaces the one before, so no message outlives the
 * next action. A toast may offer Undo: it runs the undo, then says whether that worked.
 *
 *   toast.success("User created", { action: { label: "Open", onClick: () => navigate(…) } });
 *   toast.success("Member removed", { undo: () => addMember.mutateAsync(…) });
 *   toast.error(errorMessage(e));
 */
import { AlertCircle, CheckCircle2, Info, X } from "lucide-react";
import * as React from "react";
import { errorMessage } from "@/api/problem";
import { cn } from "@/lib/utils";

export type ToastKind = "success" | "error" | "info";

export interface ToastOptions {
  /** A second line under the title. */
  description?: string;
  /** Undoes the action; the toast offers an Undo button while it shows. */
  undo?: () => unknown;
  /** Another button (open what was created, say). */
  action?: { label: string; onClick: () => void };
  /** How long the toast stays, in ms; it stays while hovered or focused. */
  duration?: number;
}

export interface ToastItem extends ToastOptions {
  id: number;
  kind: ToastKind;
  title: string;
}

type Listener = (t: ToastItem | null) => void;

let current: ToastItem | null = null;
let nextId = 1;
const listeners = new Set<Listener>();

function publish(t: ToastItem | null) {
  current = t;
  listeners.forEach((l) => l(t));
}

function show(kind: ToastKind, title: string, options: ToastOptions = {}): number {
  const id = nextId++;
  publish({ id, kind, title, ...options });
  return id;
}

/** Shows a toast; each call replaces the toast on screen. */
export const toast = {
  success: (title: string, options?: ToastOptions) => show("success", title, options),
  error: (title: string, options?: ToastOptions) => show("error", title, options),
  info: (title: string, options?: ToastOptions) => show("info", title, options),
  /** Hides the toast on screen (or only toast `id`, if it is still the one shown). */
  dismiss: (id?: number) => {
    if (current && (id === undefined || current.id === id)) publish(null);
  },
};

/** The toast on screen; for the `Toaster` and tests. */
export function useCurrentToast(): ToastItem | null {
  return React.useSyncExternalStore(
    (l) => {
      const listener: Listener = () => l();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
    () => null,
  );
}

const ICONS = { success: CheckCircle2, error: AlertCircle, info: Info } as const;

/** Renders the toast; mounted once, in the app's root. */
export function Toaster() {
  const t = useCurrentToast();
  // The toast the reader holds (pointer moved onto it, or focus in it): it waits for them. Kept
  // by id, so a new toast never inherits the pause of the one it replaced.
  const [pausedId, setPausedId] = React.useState<number | null>(null);
  const paused = t !== null && pausedId === t.id;
  const setPaused = React.useCallback((p: boolean) => setPausedId(p && t ? t.id : null), [t]);
  // The toast whose undo is running (a new toast is not undoing).
  const [undoingId, setUndoingId] = React.useState<number | null>(null);
  const undoing = t !== null && undoingId === t.id;

  React.useEffect(() => {
    if (!t || paused || undoing) return;
    const ms = t.duration ?? (t.undo || t.action ? 8000 : t.kind === "error" ? 8000 : 4000);
    const timer = window.setTimeout(() => toast.dismiss(t.id), ms);
    return () => window.clearTimeout(timer);
  }, [t, paused, undoing]);

  const onUndo = async () => {
    if (!t?.undo) return;
    setUndoingId(t.id);
    try {
      await t.undo();
      toast.info("Undone");
    } catch (e) {
      toast.error(`Could not undo: ${errorMessage(e)}`);
    }
  };

  const Icon = t ? ICONS[t.kind] : Info;
  return (
    <div
      className="pointer-events-none fixed inset-x-0 bottom-0 z-[60] flex justify-center p-4 sm:justify-end"
      data-testid="toaster"
    >
      {/* Two live regions, so an error interrupts and a success waits its turn. */}
      <div role="status" aria-live="polite" className="contents">
        {t && t.kind !== "error" && (
          <ToastCard t={t} Icon={Icon} undoing={undoing} onUndo={onUndo} setPaused={setPaused} />
        )}
      </div>
      <div role="alert" aria-live="assertive" className="contents">
        {t && t.kind === "error" && (
          <ToastCard t={t} Icon={Icon} undoing={undoing} onUndo={onUndo} setPaused={setPaused} />
        )}
      </div>
    </div>
  );
}

function ToastCard({
  t,
  Icon,
  undoing,
  onUndo,
  setPaused,
}: {
  t: ToastItem;
  Icon: React.ComponentType<{ className?: string; "aria-hidden"?: "true" }>;
  undoing: boolean;
  onUndo: () => void;
  setPaused: (p: boolean) => void;
}) {
  return (
    <div
      key={t.id}
      data-testid="toast"
      data-kind={t.kind}
      // A pointer that moves onto the toast holds it; one that was resting where it appeared
      // does not (no movement), nor does a touch, so a toast never sticks over the page.
      onPointerMove={(e) => {
        if (e.pointerType === "mouse" && (e.movementX !== 0 || e.movementY !== 0)) setPaused(true);
      }}
      onPointerLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
      className={cn(
        "pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg border bg-card p-3 text-sm text-card-foreground shadow-lg",
        t.kind === "error" && "border-destructive/50",
      )}
    >
      <Icon
        className={cn("mt-0.5 size-4 shrink-0", t.kind === "success" && "text-success", t.kind === "error" && "text-destructive")}
        aria-hidden="true"
      />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{t.title}</p>
        {t.description && <p className="text-muted-foreground">{t.description}</p>}
      </div>
      {t.undo && (
        <button
          type="button"
          onClick={onUndo}
          disabled={undoing}
          className="rounded px-2 py-0.5 text-sm font-medium text-primary hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring disabled:opacity-50"
          data-testid="toast-undo"
        >
          {undoing ? "Undoing…" : "Undo"}
        </button>
      )}
      {t.action && (
        <button
          type="button"
          onClick={() => {
            t.action?.onClick();
            toast.dismiss(t.id);
          }}
          className="rounded px-2 py-0.5 text-sm font-medium text-primary hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring"
        >
          {t.action.label}
        </button>
      )}
      <button
        type="button"
        onClick={() => toast.dismiss(t.id)}
        className="rounded-sm opacity-70 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-ring"
        aria-label="Dismiss"
      >
        <X className="size-4" aria-hidden="true" />
      </button>
    </div>
  );
}
