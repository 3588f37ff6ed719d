import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Cookie, type Page, type TestInfo } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, SCREENSHOT_DIR, TENANT } from "./env";

/**
 * The test with the server's URL as baseURL and a page that fails its test on any uncaught
 * error or console error (a failed request the test provoked on purpose aside).
 */
export const test = base.extend<{ pageErrors: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the object pattern
  baseURL: async ({}, use) => {
    const url = process.env.FIRELATER_E2E_URL;
    if (!url) throw new Error("FIRELATER_E2E_URL is not set: global-setup did not run");
    await use(url);
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the object pattern
  pageErrors: async ({}, use) => {
    await use([]);
  },
  page: async ({ page, pageErrors }, use) => {
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) pageErrors.push(`console: ${m.text()}`);
    });
    await use(page);
    expect(pageErrors, "console errors").toEqual([]);
  },
});

export { expect };

/** Fails on serious or critical accessibility violations (axe-core, WCAG 2.1 A/AA). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(bad, `accessibility of ${what}`).toEqual([]);
}

/** Saves a full-page screenshot as e2e/screenshots/<project>-<name>.png. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top, so the sticky header is drawn where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  // No page is wider than the screen: a wide table scrolls in its own box.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${info.project.name}-${name}.png`), fullPage: true });
}

/** Signs in through the form. */
export async function signIn(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD, tenant = TENANT): Promise<void> {
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Tenant").fill(tenant);
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

/** The web app's refresh cookie as the browser keeps it (no script on the page can see it). */
export async function refreshCookie(page: Page): Promise<Cookie | undefined> {
  return (await page.context().cookies()).find((c) => c.name === "firelater_refresh");
}

/**
 * An access token of a separate session, from a sign-in as an API client would do it (the
 * JSON flow, no cookie): for changes a test makes behind the page's back.
 */
export async function apiToken(
  page: Page,
  baseURL: string,
  email = ADMIN_EMAIL,
  password = ADMIN_PASSWORD,
  tenant = TENANT,
): Promise<string> {
  const res = await page.request.post(`${baseURL}/api/v1/auth/login`, { data: { tenant, email, password } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}
