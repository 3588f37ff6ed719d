import { ADMIN_EMAIL, ADMIN_PASSWORD, TENANT } from "./env";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

// Roles: the list, the read-only administrator role, a custom role made, changed and deleted
// through the permission matrix, and a user's roles set on their page.
test("an administrator manages roles and a user's roles", async ({ page, baseURL, request }, info) => {
  const phone = info.project.name === "phone";
  const unique = `${info.project.name}-${Date.now()}`;
  const display = `Change manager ${unique}`;
  // The internal name is made from the display name; people never type or see it.
  const name = `change-manager-${unique}`.toLowerCase();

  await test.step("the navigation leads to the roles page", async () => {
    await page.goto("/login");
    await signIn(page);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    // My profile names my roles by their display names.
    await page.goto("/profile");
    await expect(page.getByRole("definition").filter({ hasText: "Administrator" })).toBeVisible();
    await page.goto("/");
    if (phone) {
      await page.getByRole("button", { name: "Open navigation" }).click();
      await page.getByRole("dialog", { name: "Navigation" }).getByRole("link", { name: "Roles" }).click();
    } else {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Roles" }).click();
    }
    await expect(page).toHaveURL(/\/admin\/roles$/);
    await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("Roles · FireLater");
    await expect(page.getByTestId("role-admin")).toBeVisible();
    await expectAccessible(page, "roles page");
    await screenshot(page, info, "roles");
  });

  await test.step("the administrator role is read-only", async () => {
    await page.getByTestId("role-admin").getByRole("button", { name: /^View/ }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByText("cannot be changed")).toBeVisible();
    await expect(dialog.getByRole("checkbox")).toHaveCount(0);
    await expect(dialog.getByText("users:read", { exact: true })).toBeAttached();
    await dialog.getByRole("button", { name: "Close" }).first().click();
    await expect(dialog).toBeHidden();
  });

  await test.step("create a custom role with the permission matrix", async () => {
    await page.getByRole("button", { name: "New role" }).click();
    const dialog = page.getByRole("dialog", { name: "New role" });
    await expect(dialog.getByLabel("Display name")).toHaveCount(0);
    await dialog.getByLabel("Name", { exact: true }).fill("!!!");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await expect(dialog.getByText("Use at least one letter or digit.")).toBeVisible();
    await dialog.getByLabel("Name", { exact: true }).fill(display);
    await dialog.getByRole("checkbox", { name: "users:read", exact: true }).check();
    await dialog.getByRole("checkbox", { name: "All audit logs permissions" }).check();
    await expect(dialog.getByRole("checkbox", { name: "audit_logs:read", exact: true })).toBeChecked();
    await expectAccessible(page, "role editor");
    await screenshot(page, info, "role-create");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("toast")).toContainText(`${display} created`);
    await expect(page.getByTestId(`role-${name}`)).toContainText(display);
    await expect(page.getByTestId(`role-${name}`)).not.toContainText(name);
  });

  const card = page.getByTestId(`role-${name}`);
  const count = async () => Number((await card.getByText(/\d+ permissions?/).textContent())!.match(/\d+/)![0]);

  await test.step("change the role's permissions", async () => {
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(2);
    await card.getByRole("button", { name: `Edit ${display}` }).click();
    const dialog = page.getByRole("dialog", { name: `Edit ${display}` });
    await expect(dialog.getByRole("checkbox", { name: "users:read", exact: true })).toBeChecked();
    await dialog.getByRole("checkbox", { name: "users:read", exact: true }).uncheck();
    // Unsaved ticks are not lost to Escape without a question.
    await page.keyboard.press("Escape");
    const discard = page.getByRole("alertdialog", { name: "Discard your changes?" });
    await expect(discard).toBeVisible();
    await screenshot(page, info, "role-discard");
    await discard.getByRole("button", { name: "Keep editing" }).click();
    await expect(dialog.getByRole("checkbox", { name: "users:read", exact: true })).not.toBeChecked();
    await dialog.getByRole("button", { name: "Save role" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("toast")).toContainText(`${display} saved`);
    await expect.poll(count).toBe(before - 1);
  });

  await test.step("set a user's roles on their page", async () => {
    const login = await request.post(`${baseURL}/api/v1/auth/login`, {
      data: { tenant: TENANT, email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const res = await request.post(`${baseURL}/api/v1/users`, {
      headers: { authorization: `Bearer ${token}` },
      data: { name: "Role Person", email: `role.${unique}@example.test` },
    });
    const user = (await res.json()) as { id: string };
    await page.goto(`/users/${user.id}`);
    const rolesCard = page.getByRole("group", { name: "Roles of Role Person" });
    await rolesCard.getByRole("checkbox", { name: new RegExp(display) }).check();
    await page.getByRole("button", { name: "Save roles" }).click();
    await expect(page.getByTestId("toast")).toContainText("Roles of Role Person saved");
    await expect(page.getByRole("definition").filter({ hasText: display })).toBeVisible();
    await expectAccessible(page, "user roles");
    await screenshot(page, info, "user-roles");
    await rolesCard.getByRole("checkbox", { name: new RegExp(display) }).uncheck();
    await page.getByRole("button", { name: "Save roles" }).click();
    await expect(page.getByRole("definition").filter({ hasText: display })).toHaveCount(0);
  });

  await test.step("delete the custom role", async () => {
    await page.goto("/admin/roles");
    await card.getByRole("button", { name: `Edit ${display}` }).click();
    const dialog = page.getByRole("dialog", { name: `Edit ${display}` });
    await dialog.getByRole("button", { name: "Delete role" }).click();
    const confirm = page.getByRole("alertdialog", { name: `Delete ${display}?` });
    await expectAccessible(page, "delete role question");
    await screenshot(page, info, "role-delete");
    await confirm.getByRole("button", { name: "Delete role" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("toast")).toContainText(`${display} deleted`);
    await expect(card).toHaveCount(0);
  });
});
