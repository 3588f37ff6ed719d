/**
 * What a list shows when it has nothing to show: what the thing is, and the first thing to do
 * about it (create one, or clear the filters that hid everything).
 */
import type { LucideIcon } from "lucide-react";
import * as React from "react";
import { cn } from "@/lib/utils";

export interface EmptyStateProps {
  /** One line: "No API keys yet." or "No users match these filters." */
  title: string;
  /** What the thing is, or why nothing shows. */
  description?: React.ReactNode;
  icon?: LucideIcon;
  /** The first action: a button to create one, or to clear the filters. */
  action?: React.ReactNode;
  /** Framed with a border, when it does not sit inside a table or card. */
  bordered?: boolean;
  className?: string;
}

export function EmptyState({ title, description, icon: Icon, action, bordered, className }: EmptyStateProps) {
  return (
    <div
      className={cn(
        "grid justify-items-center gap-2 px-4 py-10 text-center",
        bordered && "rounded-lg border border-dashed",
        className,
      )}
      data-testid="empty-state"
    >
      {Icon && (
        <span className="mb-1 grid size-10 place-items-center rounded-full bg-muted text-muted-foreground">
          <Icon className="size-5" aria-hidden="true" />
        </span>
      )}
      <p className="font-medium text-foreground">{title}</p>
      {description && <p className="max-w-md text-sm text-muted-foreground">{description}</p>}
      {action && <div className="mt-2 flex flex-wrap justify-center gap-2">{action}</div>}
    </div>
  );
}
