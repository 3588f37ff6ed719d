import { Moon, Sun } from "lucide-react";
import * as React from "react";
import { Button } from "@/components/ui/button";
import { applyTheme, isDark, storedTheme } from "@/lib/theme";

/** Switches between the light and the dark theme. */
export function ThemeToggle() {
  const [dark, setDark] = React.useState(() => isDark(storedTheme()));
  const toggle = () => {
    const next = dark ? "light" : "dark";
    applyTheme(next);
    setDark(!dark);
  };
  return (
    <Button
      variant="ghost"
      size="icon"
      onClick={toggle}
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      title={dark ? "Light theme" : "Dark theme"}
      data-testid="theme-toggle"
    >
      {dark ? <Sun aria-hidden="true" /> : <Moon aria-hidden="true" />}
    </Button>
  );
}
