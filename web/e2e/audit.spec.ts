import { ADMIN_EMAIL, ADMIN_PASSWORD, TENANT } from "./env";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

// The audit log: filters in the URL, and an entry opened to its field-level diff.
test("an administrator reads the audit log", async ({ page, baseURL, request }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  const before = `Audit Before ${unique}`;
  const after = `Audit After ${unique}`;
  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { tenant: TENANT, email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  const auth = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  const created = (await (
    await request.post(`${baseURL}/api/v1/users`, { headers: auth, data: { name: before, email: `audit.${unique}@example.test` } })
  ).json()) as { id: string; version: number };
  const put = await request.put(`${baseURL}/api/v1/users/${created.id}`, {
    headers: auth,
    data: { version: created.version, name: after },
  });
  expect(put.status()).toBe(200);

  await test.step("the audit log lists entries", async () => {
    await page.goto("/admin/audit");
    await signIn(page);
    await expect(page).toHaveURL(/\/admin\/audit$/);
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("Audit log · FireLater");
    await expect(page.getByTestId("audit-entry").first()).toBeVisible();
    await expectAccessible(page, "audit log");
    await screenshot(page, info, "audit");
  });

  await test.step("filters are chosen from lists and live in the URL", async () => {
    const form = page.getByRole("form", { name: "Filter the audit log" });
    // Entity type and action come from fixed lists; the actions follow the entity type.
    await form.getByLabel("About").selectOption("role");
    await expect(page).toHaveURL(/entity_type=role/);
    await expect(form.getByLabel("Action").locator("option")).toHaveText(["Any action", "role.created", "role.updated", "role.deleted"]);
    await form.getByLabel("About").selectOption("user");
    await form.getByLabel("Action").selectOption("user.updated");
    await expect(page).toHaveURL(/action=user.updated/);
    // The actor is picked by typing a name: the server searches as one types.
    await form.getByRole("combobox", { name: "By" }).fill("admin@e2e");
    const option = page.getByRole("option").filter({ hasText: ADMIN_EMAIL });
    await expect(option).toBeVisible();
    await expectAccessible(page, "audit actor picker");
    await screenshot(page, info, "audit-picker");
    await option.click();
    await expect(page).toHaveURL(/actor_id=/);
    await expect(page.getByTestId("audit-entry").first()).toBeVisible();
    await page.reload();
    await expect(form.getByLabel("Action")).toHaveValue("user.updated");
    await expect(form.getByLabel("About")).toHaveValue("user");
    // The actor named in the URL shows by name after a reload.
    await expect(form.getByRole("combobox", { name: "By" })).toHaveValue("Administrator");
    await form.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).not.toHaveURL(/action=/);
    await expect(page).not.toHaveURL(/actor_id=/);
  });

  await test.step("an entry opens to its old → new diff", async () => {
    // Entries name their entity and actor, not ids.
    const entry = page.getByTestId("audit-entry").filter({ hasText: `User ${after}` }).first();
    const toggle = entry.getByRole("button", { name: /user\.updated/ });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    const row = entry.getByTestId("audit-diff").getByRole("row", { name: /name/ });
    await expect(row.getByRole("cell").nth(0)).toHaveText(before);
    await expect(row.getByRole("cell").nth(1)).toHaveText(after);
    await expectAccessible(page, "audit entry");
    await screenshot(page, info, "audit-diff");
  });
});
