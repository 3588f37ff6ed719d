import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

// API keys: create one (the key shown once, copied), use it, and revoke it.
test("an administrator creates and revokes an API key", async ({ page, baseURL, context }, info) => {
  const name = `ci-${info.project.name}-${Date.now()}`;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  let key = "";

  await test.step("create a key; it is shown once and copied", async () => {
    await page.goto("/admin/api-keys");
    await signIn(page);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("API keys · FireLater");
    await page.getByRole("button", { name: "New API key" }).click();
    const dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Enter a name, e.g. the service that uses the key.")).toBeVisible();
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Tick at least one permission.")).toBeVisible();
    await dialog.getByRole("checkbox", { name: "users:read", exact: true }).check();
    await expectAccessible(page, "new API key dialog");
    await screenshot(page, info, "api-key-create");
    await dialog.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByRole("dialog", { name: "Your new key" });
    key = (await shown.getByTestId("new-api-key").textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await shown.getByRole("button", { name: "Copy key" }).click();
    await expect(shown.getByText("Copied.")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await expectAccessible(page, "new API key shown");
    await screenshot(page, info, "api-key-shown");
    await shown.getByRole("button", { name: "Done" }).click();
    await expect(shown).toBeHidden();
  });

  await test.step("the key works until it is revoked", async () => {
    const auth = { authorization: `Bearer ${key}` };
    expect((await page.request.get(`${baseURL}/api/v1/users`, { headers: auth })).status()).toBe(200);
    const row = page.getByTestId("api-key").filter({ hasText: name });
    await expect(row).toContainText("active");
    await expectAccessible(page, "API keys page");
    await screenshot(page, info, "api-keys");
    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    const confirm = page.getByRole("dialog", { name: `Revoke ${name}?` });
    await confirm.getByRole("button", { name: "Revoke" }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toContainText("revoked");
    expect((await page.request.get(`${baseURL}/api/v1/users`, { headers: auth })).status()).toBe(401);
  });
});
