import { expect, signIn, storedSession, test } from "./fixtures";

test.describe("sessions", () => {
  test.skip(({ isMobile }) => isMobile, "the same on every viewport");

  test("a rejected access token is refreshed once, even by two tabs at the same time", async ({ page, context }) => {
    await page.goto("/login");
    await signIn(page);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    const before = await storedSession(page);

    // Both tabs hold a token the server refuses; each must end up with the one fresh pair
    // (a second refresh would spend a spent token and end the session).
    await page.evaluate((s) => localStorage.setItem("firelater.session", JSON.stringify({ ...s, accessToken: "expired" })), before);
    const other = await context.newPage();
    await Promise.all([page.goto("/users"), other.goto("/users")]);
    await expect(page.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    await expect(other.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();

    const after = await storedSession(page);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe("expired");
    await other.reload();
    await expect(other.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
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
    await other.close();
  });
});
