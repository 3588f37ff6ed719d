/**
 * Light and dark themes: the choice (`light`, `dark` or `system`) is kept in localStorage and
 * applied as the `dark` class on <html>; index.html applies it before the first paint.
 */
import * as React from "react";

export type ThemeChoice = "light" | "dark" | "system";

const KEY = "firelater.theme";

export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

function systemDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

/** Whether `choice` means dark right now. */
export function isDark(choice: ThemeChoice): boolean {
  return choice === "dark" || (choice === "system" && systemDark());
}

export function applyTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  const dark = isDark(choice);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
}

const themeListeners = new Set<() => void>();

/** Flips between light and dark, and tells every `useDarkTheme` (the header's button, say). */
export function toggleTheme(): void {
  applyTheme(isDark(storedTheme()) ? "light" : "dark");
  themeListeners.forEach((l) => l());
}

/** Whether the dark theme is on, following `toggleTheme` from anywhere (the palette, say). */
export function useDarkTheme(): boolean {
  return React.useSyncExternalStore(
    (l) => {
      themeListeners.add(l);
      return () => themeListeners.delete(l);
    },
    () => isDark(storedTheme()),
    () => false,
  );
}
