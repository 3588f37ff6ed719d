import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useBoundShortcuts, type Shortcut } from "@/lib/shortcuts";

export const MOD_KEY = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl";

const ALWAYS: Shortcut[] = [{ key: `${MOD_KEY} K`, label: "Search and run commands", group: "Global" }];
const ORDER = ["Global", "This page", "Lists"];

function Key({ k }: { k: string }) {
  return (
    <kbd className="inline-flex min-w-6 justify-center rounded border bg-muted px-1.5 py-0.5 font-mono text-xs">
      {k === " " ? "Space" : k}
    </kbd>
  );
}

/** `?`: every keyboard shortcut that works on this page right now. */
export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const bound = useBoundShortcuts();
  const all = [...ALWAYS, ...bound];
  const groups = ORDER.map((g) => [g, all.filter((s) => s.group === g)] as const).filter(([, items]) => items.length > 0);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent data-testid="shortcuts-dialog">
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>They work anywhere outside a text field.</DialogDescription>
        </DialogHeader>
        {groups.map(([group, items]) => (
          <section key={group} aria-label={group}>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{group}</h3>
            <dl className="grid grid-cols-[4.5rem_1fr] items-center gap-x-4 gap-y-1.5 text-sm">
              {items.map((s) => (
                <div key={s.key} className="contents">
                  <dt>
                    <Key k={s.key} />
                  </dt>
                  <dd>{s.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </DialogContent>
    </Dialog>
  );
}
