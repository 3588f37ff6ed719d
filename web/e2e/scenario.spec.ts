import type { Page, TestInfo } from "@playwright/test";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import { totp } from "./totp";

/** The main navigation: the sidebar on a desktop, the navigation dialog (opened here) on a phone. */
async function mainNav(page: Page, info: TestInfo) {
  if (info.project.name !== "phone") return page.getByRole("navigation", { name: "Main" });
  await page.getByRole("button", { name: "Open navigation" }).click();
  return page.getByRole("dialog", { name: "Navigation" });
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

// The whole round through the UI: an administrator creates a user, puts them in a group, grants
// them the agent role and finds that change in the audit log; the new user then sees only what
// the agent role allows, turns on two-step sign-in and signs in again with a code.
test("a new agent from creation to a two-step sign-in", async ({ page }, info) => {
  const phone = info.project.name === "phone";
  const unique = `${info.project.name}-${Date.now()}`;
  const name = `Scenario Agent ${unique}`;
  const email = `scenario.${unique}@example.test`;
  const password = "scenario agent password 1";
  const group = `Scenario Desk ${unique}`;
  let secret = "";

  await test.step("the administrator creates a user with a password", async () => {
    await page.goto("/users");
    await signIn(page);
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Email").fill(email);
    await dialog.getByLabel("Initial password (optional)").fill(password);
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("toast")).toContainText(`${name} is created`);
    await page.getByTestId("toast").getByRole("button", { name: "Open" }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(page).toHaveURL(/\/users\/[^/]+$/);
  });

  await test.step("the administrator grants the agent role on the user's page", async () => {
    const rolesCard = page.getByRole("group", { name: `Roles of ${name}` });
    await rolesCard.getByRole("checkbox", { name: /^Requester\b/ }).uncheck();
    await rolesCard.getByRole("checkbox", { name: /^Agent\b/ }).check();
    await page.getByRole("button", { name: "Save roles" }).click();
    await expect(page.getByTestId("toast")).toContainText(`Roles of ${name} saved`);
    // On a phone the toast appears under the finger that tapped Save and stays while it rests
    // there, over the bottom of the next page: close it.
    await page.getByTestId("toast").getByRole("button", { name: "Dismiss" }).click();
    await expect(page.getByRole("definition").filter({ hasText: /^Agent$/ })).toBeVisible();
    await expectAccessible(page, "scenario: user roles");
    await screenshot(page, info, "scenario-user-roles");
  });

  await test.step("the administrator creates a group and adds the user", async () => {
    await (await mainNav(page, info)).getByRole("link", { name: "Groups" }).click();
    await expect(page).toHaveURL(/\/admin\/groups$/);
    await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = page.getByRole("dialog", { name: "New group" });
    await dialog.getByLabel("Name").fill(group);
    await dialog.getByRole("button", { name: "Create group" }).click();
    await expect(dialog).toBeHidden();
    const panel = page.getByTestId("group-panel");
    await expect(panel).toContainText(group);
    await expect(panel.getByText("No members yet.")).toBeVisible();
    await panel.getByRole("combobox", { name: "User" }).fill(name);
    await panel.getByRole("option", { name: new RegExp(name) }).click();
    await panel.getByRole("button", { name: "Add", exact: true }).click();
    await expect(panel.getByTestId("member").filter({ hasText: name }).getByLabel(`Role of ${name}`)).toHaveValue("member");
    await expectAccessible(page, "scenario: group members");
    await screenshot(page, info, "scenario-group");
  });

  await test.step("the audit log shows the role change with its diff", async () => {
    await (await mainNav(page, info)).getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/\/admin\/audit$/);
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    const form = page.getByRole("form", { name: "Filter the audit log" });
    await form.getByLabel("Action").selectOption("user.roles_changed");
    await expect(page).toHaveURL(/action=user.roles_changed/);
    const entry = page.getByTestId("audit-entry").filter({ hasText: `User ${name}` }).first();
    const toggle = entry.getByRole("button", { name: /user\.roles_changed/ });
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    const row = entry.getByTestId("audit-diff").getByRole("row", { name: /roles/ });
    await expect(row.getByRole("cell").nth(0)).toHaveText('["requester"]');
    await expect(row.getByRole("cell").nth(1)).toHaveText('["agent"]');
    await expectAccessible(page, "scenario: audit entry");
    await screenshot(page, info, "scenario-audit");
  });

  await test.step("the administrator signs out and the agent signs in", async () => {
    await signOut(page);
    await signIn(page, email, password);
    await expect(page.getByRole("heading", { name: `Welcome, ${name}` })).toBeVisible();
  });

  await test.step("the agent sees only what the agent role allows", async () => {
    const nav = await mainNav(page, info);
    for (const link of ["Home", "Users", "Roles", "Groups", "My profile"]) {
      await expect(nav.getByRole("link", { name: link })).toBeVisible();
    }
    await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
    await screenshot(page, info, "scenario-agent-nav");
    await nav.getByRole("link", { name: "Roles" }).click();
    if (phone) await expect(nav).toBeHidden();
    await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
    await expect(page.getByTestId("role-agent")).toBeVisible();
    await expect(page.getByRole("button", { name: "New role" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Edit / })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "View Agent" })).toBeVisible();
    await page.goto("/users");
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "New user" })).toHaveCount(0);
  });

  await test.step("admin-only pages typed in directly show no data", async () => {
    for (const path of ["/admin/audit", "/admin/api-keys"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: "Page not found", level: 1 })).toBeVisible();
      await expect(page.getByTestId("audit-entry")).toHaveCount(0);
      await expect(page.getByRole("heading", { name: "Audit log" })).toHaveCount(0);
      await expect(page.getByRole("heading", { name: "API keys" })).toHaveCount(0);
    }
    await expectAccessible(page, "scenario: page not allowed");
    await screenshot(page, info, "scenario-not-allowed");
  });

  await test.step("the agent turns on two-step sign-in on their profile", async () => {
    await page.getByRole("link", { name: "Go home" }).click();
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "My profile" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("heading", { name: "My profile", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await expect(page.getByTestId("mfa-qr")).toBeVisible();
    secret = (await page.getByTestId("mfa-secret").textContent())!.trim();
    const form = page.getByRole("form", { name: "Confirm two-step sign-in" });
    await form.getByLabel("Code from the app").fill(totp(secret));
    await form.getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
    await expectAccessible(page, "scenario: two-step sign-in on");
    await screenshot(page, info, "scenario-mfa-on");
  });

  await test.step("signing in again asks for the code", async () => {
    await signOut(page);
    await signIn(page, email, password);
    // A calm prompt of its own, not an error.
    const form = page.getByRole("form", { name: "Two-step sign-in" });
    await expect(page.getByRole("heading", { name: "Two-step sign-in" })).toBeVisible();
    await expect(page.getByText("Enter the 6-digit code from your authenticator app.")).toBeVisible();
    await expect(form.getByRole("alert")).toHaveCount(0);
    // A time step is accepted once, so the next step's code (within the allowed skew) is used.
    await form.getByLabel("Code", { exact: true }).fill(totp(secret, Date.now() + 30_000));
    await expectAccessible(page, "scenario: sign-in code step");
    await screenshot(page, info, "scenario-mfa-login");
    await form.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByRole("heading", { name: `Welcome, ${name}` })).toBeVisible();
    await expect(page.getByText(`signed in as ${email}`)).toBeVisible();
    await expect(page.getByTestId("user-menu")).toHaveAccessibleName(`Account menu for ${name}`);
    await screenshot(page, info, "scenario-home");
  });
});
