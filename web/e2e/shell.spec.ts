import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

// The patterns every page shares: Home, the palette's commands, single-key shortcuts, lists by
// keyboard, columns chosen per user, a sidebar that stays put, and a sign-in page that paints
// before its script runs.

test("Home shows recent changes, the user's groups and the quick actions", async ({ page }, info) => {
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: /^Welcome, / })).toBeVisible();
  await expect(page).toHaveTitle("Home · FireLater");
  // Signing in is itself a change the admin may read.
  await expect(page.getByTestId("home-recent").getByRole("listitem").first()).toBeVisible();
  await expect(page.getByTestId("home-groups")).toBeVisible();
  await expect(page.getByRole("link", { name: "New user" })).toBeVisible();
  await expectAccessible(page, "home");
  await screenshot(page, info, "home");
  await page.getByRole("link", { name: "New user" }).click();
  await expect(page.getByRole("dialog", { name: /New user/ })).toBeVisible();
  await expect(page).toHaveURL(/\/users$/);
});

test.describe("keyboard", () => {
  test.skip(({ isMobile }) => isMobile, "keyboard shortcuts are for keyboards");

  test("the palette runs commands and / and ? open search and the shortcut list", async ({ page }, info) => {
    await page.goto("/login");
    await signIn(page);
    await expect(page.getByRole("heading", { name: /^Welcome, / })).toBeVisible();

    await page.keyboard.press("/");
    const input = page.getByTestId("palette-input");
    await expect(input).toBeFocused();
    await input.fill("dark");
    const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
    await expect(page.getByRole("option", { name: /Switch to (dark|light) theme/ })).toBeVisible();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.evaluate(() => document.documentElement.classList.contains("dark")))
      .toBe(!dark);
    // The header's button follows a theme changed elsewhere.
    await expect(page.getByTestId("theme-toggle")).toHaveAccessibleName(dark ? "Switch to dark theme" : "Switch to light theme");

    await page.keyboard.press("Control+k");
    await input.fill("new api");
    await expect(page.getByRole("option", { name: /New API key/ })).toBeVisible();
    await screenshot(page, info, "palette-commands");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog", { name: "New API key" })).toBeVisible();
    await expect(page).toHaveURL(/\/admin\/api-keys$/);
    await page.keyboard.press("Escape");

    await page.keyboard.press("?");
    const overlay = page.getByTestId("shortcuts-dialog");
    await expect(overlay).toBeVisible();
    await expect(overlay).toContainText("Search");
    await expect(overlay).toContainText("New API key");
    await expectAccessible(page, "shortcuts overlay");
    await screenshot(page, info, "shortcuts");
    await page.keyboard.press("Escape");
    await expect(overlay).toBeHidden();
  });

  test("j, k and Enter move through a list and open a row; columns chosen stay chosen", async ({ page }) => {
    await page.goto("/users");
    await signIn(page);
    const rows = page.getByTestId("user-row");
    await expect(rows.first()).toBeVisible();
    // A list with rows adds its keys to the shortcut list.
    await page.keyboard.press("?");
    await expect(page.getByTestId("shortcuts-dialog")).toContainText("Next row");
    await page.keyboard.press("Escape");
    await page.keyboard.press("j");
    await expect(rows.first()).toHaveAttribute("data-active", "true");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await expect(rows.first()).toHaveAttribute("data-active", "true");
    const name = (await rows.first().getByRole("link").first().textContent())!.trim();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/users\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(name);

    await page.goBack();
    await page.getByTestId("choose-columns").click();
    await page.getByRole("menuitemcheckbox", { name: "Status" }).click();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("columnheader", { name: "Status" })).toHaveCount(0);
    await page.reload();
    await expect(rows.first()).toBeVisible();
    await expect(page.getByRole("columnheader", { name: "Status" })).toHaveCount(0);
    await page.getByTestId("choose-columns").click();
    await page.getByRole("menuitemcheckbox", { name: "Status" }).click();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("columnheader", { name: "Status" })).toHaveCount(1);
  });
});

test("the sidebar stays in view while a long page scrolls", async ({ page, isMobile }) => {
  test.skip(isMobile, "phones have the drawer instead");
  await page.goto("/admin/roles");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 400 });
  await page.mouse.wheel(0, 2000);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  const nav = page.getByRole("navigation", { name: "Main" });
  const box = await nav.boundingBox();
  expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
  expect(box?.y ?? 1000).toBeLessThan(400);
});

test("the sign-in page paints its shell before any script runs", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseURL}/login`);
  await expect(page.getByRole("heading", { name: "FireLater" })).toBeVisible();
  await expect(page.getByText("Loading…")).toBeVisible();
  await context.close();
});
