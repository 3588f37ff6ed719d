import * as React from "react";

/** The app's name, the last part of every page title. */
export const APP_NAME = "FireLater";

/** The document title of a page: `Users · FireLater`, or the app's name alone. */
export function pageTitle(title?: string | null): string {
  const t = title?.trim();
  return t ? `${t} · ${APP_NAME}` : APP_NAME;
}

/**
 * Sets the browser tab's title while the calling page is shown. Every page calls it once, with
 * the same words as its heading (`usePageTitle("Users")`), so tabs, history and bookmarks tell
 * pages apart and a screen reader announces where a navigation landed.
 */
export function usePageTitle(title?: string | null): void {
  const text = pageTitle(title);
  React.useEffect(() => {
    document.title = text;
  }, [text]);
}
