"use client";

import { useTheme } from "@/app/_hooks/use-theme";

/** Switches between the light and dark themes (the system's preference until pressed). */
export function ThemeToggle() {
  const { theme, toggle } = useTheme();
  return (
    <button type="button" onClick={toggle} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`} className="rounded-md border border-border px-2 py-1 text-sm hover:bg-surface-2" data-testid="theme-toggle">
      <span suppressHydrationWarning>{theme === "dark" ? "☀ Light" : "☾ Dark"}</span>
    </button>
  );
}
