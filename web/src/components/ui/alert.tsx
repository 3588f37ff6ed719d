import { AlertCircle, CheckCircle2 } from "lucide-react";
import * as React from "react";
import { cn } from "@/lib/utils";

interface AlertProps extends React.HTMLAttributes<HTMLDivElement> {
  variant?: "error" | "success" | "info";
}

/** A message box; errors are announced at once (role=alert), others politely. */
export function Alert({ variant = "info", className, children, ...props }: AlertProps) {
  const Icon = variant === "success" ? CheckCircle2 : AlertCircle;
  return (
    <div
      role={variant === "error" ? "alert" : "status"}
      className={cn(
        "flex items-start gap-3 rounded-md border p-3 text-sm",
        variant === "error" && "border-destructive/50 text-destructive",
        variant === "success" && "border-success/50 text-success",
        className,
      )}
      {...props}
    >
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
      <div className="flex-1 space-y-2">{children}</div>
    </div>
  );
}
