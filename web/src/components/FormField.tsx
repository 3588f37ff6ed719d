import * as React from "react";
import type { FieldError, FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError } from "@/api/problem";
import { Label } from "@/components/ui/input";
import { cn } from "@/lib/utils";

interface FormFieldProps {
  id: string;
  label: string;
  error?: FieldError | undefined;
  hint?: string;
  className?: string;
  children: React.ReactElement<React.InputHTMLAttributes<HTMLInputElement>>;
}

/** A labelled control with its hint and its error (the form's or the API's) under it. */
export function FormField({ id, label, error, hint, className, children }: FormFieldProps) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("grid gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      {React.cloneElement(children, {
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-destructive">
          {error.message}
        </p>
      )}
    </div>
  );
}

/**
 * Puts the API's field errors on the form's fields; returns the messages of fields the form
 * does not have, for a message above the form.
 */
export function applyFieldErrors<T extends FieldValues>(
  error: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
): string[] {
  if (!(error instanceof ApiError)) return [];
  const rest: string[] = [];
  let first = true;
  for (const [field, messages] of Object.entries(error.fieldErrors)) {
    const known = fields.find((f) => f === field);
    if (known) {
      setError(known, { type: "server", message: messages.join(" ") }, { shouldFocus: first });
      first = false;
    } else {
      rest.push(`${field}: ${messages.join(" ")}`);
    }
  }
  return rest;
}
