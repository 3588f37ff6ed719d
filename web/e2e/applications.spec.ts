import type { Page } from "@playwright/test";
import { apiToken, expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

/** Closes the toast on screen, if any: on a phone it sits over the bottom of the page. */
async function dismissToast(page: Page): Promise<void> {
  const dismiss = page.getByTestId("toast").getByRole("button", { name: "Dismiss" });
  if (await dismiss.isVisible()) await dismiss.click();
  await expect(page.getByTestId("toast")).toHaveCount(0);
}

// The application registry: create an application (with an owner group), find it by its tier,
// add, edit and delete its environments, edit it, and delete it. Run once per viewport.
test("an administrator manages an application and its environments", async ({ page, baseURL }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  const appName = `Web Shop ${unique}`;
  const groupName = `Shop Team ${unique}`;
  const toast = page.getByTestId("toast");

  await page.goto("/applications");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Applications", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle("Applications · FireLater");
  const auth = { authorization: `Bearer ${await apiToken(page, baseURL!)}` };
  const made = await page.request.post(`${baseURL}/api/v1/groups`, { headers: auth, data: { name: groupName, type: "team" } });
  expect(made.status()).toBe(201);

  await test.step("create an application through the dialog", async () => {
    await page.getByRole("button", { name: "New application" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New application" });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel("Name").fill(appName);
    await dialog.getByLabel("Description (optional)").fill("Where customers buy.");
    await dialog.getByLabel("Tier").selectOption("P1");
    await dialog.getByLabel("Criticality").selectOption("mission_critical");
    await dialog.getByRole("combobox", { name: "Owner group" }).fill(groupName);
    await dialog.getByRole("option", { name: groupName }).click();
    await dialog.getByLabel("Business unit (optional)").fill("Retail");
    await dialog.getByLabel("Tags (optional)").fill("shop, customer-facing");
    await expectAccessible(page, "new application dialog");
    await screenshot(page, info, "application-create");
    await dialog.getByRole("button", { name: "Create application" }).click();
    await expect(dialog).toBeHidden();
    await expect(toast).toContainText(`${appName} is created`);
    await dismissToast(page);
  });

  await test.step("see it in the list and filter by tier", async () => {
    await page.getByLabel("Search applications").fill(unique);
    await expect(page).toHaveURL(/q=/);
    const row = page.getByTestId("application-row").filter({ hasText: appName });
    await expect(row).toBeVisible();
    await page.getByLabel("Tier").selectOption("P2");
    await expect(page).toHaveURL(/tier=P2/);
    await expect(page.getByText("No applications match these filters.")).toBeVisible();
    await page.getByLabel("Tier").selectOption("P1");
    await expect(page).toHaveURL(/tier=P1/);
    await expect(row).toBeVisible();
    await expect(row).toContainText("P1");
    await expectAccessible(page, "applications list");
    await screenshot(page, info, "applications");
    await row.getByRole("link").click();
    await expect(page.getByRole("heading", { name: new RegExp(`APP-\\d+ · ${appName}`), level: 1 })).toBeVisible();
    await expect(page).toHaveTitle(`${appName} · FireLater`);
    await expect(page.getByRole("link", { name: groupName })).toHaveAttribute("href", /\/admin\/groups\//);
  });

  const envs = page.getByTestId("environments-card");

  await test.step("add two environments; a bad URL is shown at its field", async () => {
    await envs.getByRole("button", { name: "Add environment" }).click();
    let dialog = page.getByRole("dialog", { name: "Add an environment" });
    await dialog.getByLabel("Name").fill("Production");
    await dialog.getByLabel("Type").selectOption("prod");
    await dialog.getByLabel("URL (optional)").fill("not a url");
    await dialog.getByLabel("Cloud provider").selectOption("aws");
    await dialog.getByLabel("Cloud region (optional)").fill("eu-west-1");
    await dialog.getByRole("button", { name: "Add environment" }).click();
    await expect(dialog.getByLabel("URL (optional)")).toHaveAttribute("aria-invalid", "true");
    await expect(dialog.locator("#env-url-error")).toBeVisible();
    await expectAccessible(page, "environment dialog with an error");
    await dialog.getByLabel("URL (optional)").fill("https://shop.example.test");
    await dialog.getByRole("button", { name: "Add environment" }).click();
    await expect(dialog).toBeHidden();
    await expect(toast).toContainText("Production is added");
    await dismissToast(page);

    await envs.getByRole("button", { name: "Add environment" }).click();
    dialog = page.getByRole("dialog", { name: "Add an environment" });
    await dialog.getByLabel("Name").fill("Staging");
    await dialog.getByLabel("Type").selectOption("staging");
    await dialog.getByRole("button", { name: "Add environment" }).click();
    await expect(dialog).toBeHidden();
    await expect(envs.getByTestId("environment-row")).toHaveCount(2);
    await dismissToast(page);
  });

  await test.step("edit one environment and delete the other", async () => {
    await envs.getByRole("button", { name: "Edit Staging" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit Staging" });
    await expect(dialog.getByLabel("Name")).toHaveValue("Staging");
    await dialog.getByLabel("Name").fill("Staging EU");
    await dialog.getByRole("button", { name: "Save environment" }).click();
    await expect(dialog).toBeHidden();
    await expect(toast).toContainText("Saved Staging EU");
    await expect(envs.getByRole("cell", { name: "Staging EU", exact: true })).toBeVisible();
    await dismissToast(page);

    await envs.getByRole("button", { name: "Delete Production" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Delete Production?" });
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(toast).toContainText("Production is deleted");
    await expect(envs.getByTestId("environment-row")).toHaveCount(1);
    await dismissToast(page);
  });

  await test.step("edit the application's details", async () => {
    const form = page.getByRole("form", { name: "Edit application" });
    await expect(form.getByRole("combobox", { name: "Owner group" })).toHaveValue(groupName);
    await form.getByLabel("Status").selectOption("deprecated");
    await form.getByLabel("Lifecycle stage").selectOption("sunset");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(toast).toContainText(`Saved ${appName}`);
    await expect(page.getByText("Deprecated", { exact: true }).first()).toBeVisible();
    await expect(form.getByRole("button", { name: "Save changes" })).toBeDisabled();
    await dismissToast(page);
    await expectAccessible(page, "application page");
    await screenshot(page, info, "application-detail");
  });

  await test.step("delete the application; it is gone from the list", async () => {
    await page.getByRole("button", { name: "Delete application" }).click();
    const confirm = page.getByRole("alertdialog", { name: /Delete APP-/ });
    await expect(confirm).toContainText("history stays");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(page).toHaveURL(/\/applications$/);
    await expect(toast).toContainText(`${appName} is deleted`);
    await page.getByLabel("Search applications").fill(unique);
    await expect(page.getByText("No applications match these filters.")).toBeVisible();
  });
});
