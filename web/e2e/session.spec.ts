import type { Page, Response } from "@playwright/test";
import { expect, refreshCookie, signIn, test } from "./fixtures";

const isRefresh = (r: Response) => new URL(r.url()).pathname === "/api/v1/auth/refresh";

/** Every key and value of localStorage and sessionStorage, and what scripts see of cookies. */
async function scriptVisible(page: Page): Promise<{ storage: string; cookie: string }> {
  return page.evaluate(() => {
    const all: string[] = [];
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i) ?? "";
        all.push(`${k}=${s.getItem(k) ?? ""}`);
      }
    }
    return { storage: all.join("\n"), cookie: document.cookie };
  });
}

/** Makes the page's next list of users answer 401, as for an access token the server refuses. */
async function refuseNextUsersList(page: Page): Promise<void> {
  let refused = false;
  await page.route(
    (url) => url.pathname === "/api/v1/users",
    async (route) => {
      if (refused) return route.continue();
      refused = true;
      await route.fulfill({
        status: 401,
        contentType: "application/problem+json",
        body: JSON.stringify({ type: "about:blank", title: "Invalid or expired token", status: 401, detail: "expired", code: "invalid_token" }),
      });
    },
  );
}

test.describe("sessions", () => {
  test.skip(({ isMobile }) => isMobile, "the same on every viewport");

  test("no token is readable by scripts, and a reload keeps the user signed in", async ({ page }) => {
    await page.goto("/login");
    const login = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/auth/login");
    await signIn(page);
    const body = (await (await login).json()) as Record<string, unknown>;
    expect(body.refresh_token, "the web app gets no refresh token in the body").toBeUndefined();
    const accessToken = String(body.access_token);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

    const cookie = await refreshCookie(page);
    expect(cookie, "the refresh token is a cookie").toBeDefined();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Strict");
    expect(cookie?.path).toBe("/api/v1/auth/refresh");
    const seen = await scriptVisible(page);
    expect(seen.storage).not.toContain(accessToken);
    expect(seen.storage).not.toContain(cookie?.value ?? "no cookie");
    expect(seen.storage).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(seen.storage).not.toContain("firelater.session");
    expect(seen.cookie).not.toContain("firelater_refresh");

    // A reload forgets the in-memory access token; the cookie brings the session back.
    const refreshed = page.waitForResponse(isRefresh);
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    await expect(page).not.toHaveURL(/\/login/);
    expect((await refreshCookie(page))?.value, "the cookie rotated").not.toBe(cookie?.value);
    expect((await scriptVisible(page)).storage).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    await page.goto("/users");
    await expect(page.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
  });

  test("tabs that load and are refused at the same time refresh in turn and keep the session", async ({ page, context }) => {
    await page.goto("/login");
    await signIn(page);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    const statuses: number[] = [];
    context.on("response", (r) => {
      if (isRefresh(r)) statuses.push(r.status());
    });

    // Both tabs load at once (each restores its access token from the one cookie) and then
    // each gets a 401 for its first list: each must refresh with the cookie the other left,
    // never a spent one, which would revoke the session.
    const other = await context.newPage();
    await refuseNextUsersList(page);
    await refuseNextUsersList(other);
    await Promise.all([page.goto("/users"), other.goto("/users")]);
    await expect(page.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    await expect(other.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    expect(statuses.length).toBeGreaterThanOrEqual(4);
    expect(statuses.every((s) => s === 200), `refresh answers ${statuses.join(",")}`).toBe(true);

    await Promise.all([page.reload(), other.reload()]);
    await expect(page.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    await expect(other.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    expect(statuses.every((s) => s === 200), `refresh answers ${statuses.join(",")}`).toBe(true);
    await other.close();
  });

  test("signing out in one tab signs out the others", async ({ page, context }) => {
    await page.goto("/login");
    await signIn(page);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    const other = await context.newPage();
    await other.goto("/users");
    await expect(other.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(other).toHaveURL(/\/login/);
    expect(await refreshCookie(page)).toBeUndefined();
    await other.reload();
    await expect(other.getByRole("form", { name: "Sign in" })).toBeVisible();
    await other.close();
  });

  test("signing in in one tab signs in the others", async ({ page, context }) => {
    await page.goto("/login");
    const other = await context.newPage();
    await other.goto("/users");
    await expect(other).toHaveURL(/\/login\?next=/);
    await signIn(page);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    await expect(other.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await other.close();
  });
});
