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
    // `c` opens the create form, as on every list page.
    await page.keyboard.press("c");
    const dialog = page.getByRole("dialog", { name: "New API key" });
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Enter a name, e.g. the service that uses the key.")).toBeVisible();
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Tick at least one permission.")).toBeVisible();
    await dialog.getByRole("checkbox", { name: "users:read", exact: true }).check();
    // Escape on a filled form asks before throwing it away; keeping on editing keeps the input.
    await page.keyboard.press("Escape");
    const discard = page.getByRole("alertdialog", { name: "Discard your changes?" });
    await expect(discard).toBeVisible();
    await discard.getByRole("button", { name: "Keep editing" }).click();
    await expect(discard).toBeHidden();
    await expect(dialog.getByLabel("Name")).toHaveValue(name);
    await expectAccessible(page, "new API key dialog");
    await screenshot(page, info, "api-key-create");
    await dialog.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByRole("dialog", { name: "Your new key" });
    key = (await shown.getByTestId("new-api-key").textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await shown.getByRole("button", { name: "Copy key" }).click();
    await expect(page.getByTestId("toast")).toContainText("Key copied");
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
    const confirm = page.getByRole("alertdialog", { name: `Revoke ${name}?` });
    await confirm.getByRole("button", { name: "Revoke" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId("toast")).toContainText(`Key “${name}” revoked`);
    await expect(row).toContainText("revoked");
    expect((await page.request.get(`${baseURL}/api/v1/users`, { headers: auth })).status()).toBe(401);
  });
});
