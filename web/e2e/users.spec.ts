import type { Page } from "@playwright/test";
import { apiToken, expect, expectAccessible, refreshCookie, screenshot, signIn, test } from "./fixtures";
import { totp } from "./totp";

/**
 * Closes the toast on screen, if any. On a phone it sits over the bottom of the page, where
 * the user page's last buttons are, and it stays while the pointer rests on it.
 */
async function dismissToast(page: Page): Promise<void> {
  const dismiss = page.getByTestId("toast").getByRole("button", { name: "Dismiss" });
  if (await dismiss.isVisible()) await dismiss.click();
  await expect(page.getByTestId("toast")).toHaveCount(0);
}

// The administrator's whole round: sign in, the users list and its URL state, create a user
// (with the API's field errors shown next to the fields), edit them (with a version conflict),
// deactivate them, the command palette, the theme, and sign out. Run once per viewport.
test("an administrator manages a user from sign-in to sign-out", async ({ page, baseURL }, info) => {
  const phone = info.project.name === "phone";
  const unique = `${info.project.name}-${Date.now()}`;
  const email = `grace.${unique}@example.test`;
  const renamed = `Changed Elsewhere ${info.project.name}`;

  await test.step("an anonymous visitor is sent to the sign-in page", async () => {
    await page.goto("/users");
    await expect(page).toHaveURL(/\/login\?next=%2Fusers$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    expect(await page.title()).toBe("Sign in · FireLater");
    await expectAccessible(page, "sign-in page");
    await screenshot(page, info, "login");
  });

  await test.step("sign-in errors are shown", async () => {
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Tenant").fill("");
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(form.getByText("Enter your organisation's tenant.")).toBeVisible();
    await expect(form.getByLabel("Tenant")).toHaveAttribute("aria-invalid", "true");
    await signIn(page, "admin@e2e.test", "not the password");
    await expect(page.getByRole("alert")).toContainText("The tenant, email or password is wrong.");
    await screenshot(page, info, "login-error");
  });

  await test.step("signing in returns to the page asked for", async () => {
    await signIn(page);
    await expect(page).toHaveURL(/\/users$/);
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("Users · FireLater");
    await expect(page.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    await expectAccessible(page, "users list");
    await screenshot(page, info, "users");
  });

  await test.step("search, filter and sort live in the URL", async () => {
    await page.getByLabel("Search users by name or email").fill("nobody-matches-this");
    await expect(page).toHaveURL(/q=nobody-matches-this/);
    await expect(page.getByText("No users match these filters.")).toBeVisible();
    await screenshot(page, info, "users-empty");
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).not.toHaveURL(/q=/);
    await page.getByLabel("Status").selectOption("active");
    await expect(page).toHaveURL(/status=active/);
    await page.getByRole("button", { name: /^Email/ }).click();
    await expect(page).toHaveURL(/sort=email/);
    await page.reload();
    await expect(page.getByLabel("Status")).toHaveValue("active");
    await expect(page.getByRole("columnheader", { name: /Email/ })).toHaveAttribute("aria-sort", "ascending");
    await page.goto("/users");
  });

  await test.step("create a user; the API's field errors appear next to the fields", async () => {
    // `c` opens "New user" on the list.
    await page.getByRole("heading", { name: "Users", level: 1 }).click();
    await page.keyboard.press("c");
    const dialog = page.getByRole("dialog", { name: "New user" });
    await expect(dialog).toBeVisible();
    // Typed input is not thrown away by Escape without asking.
    await dialog.getByLabel("Name").fill("Grace Hopper");
    await page.keyboard.press("Escape");
    const discard = page.getByRole("alertdialog", { name: "Discard your changes?" });
    await expect(discard).toBeVisible();
    await discard.getByRole("button", { name: "Keep editing" }).click();
    await expect(dialog.getByLabel("Name")).toHaveValue("Grace Hopper");
    await dialog.getByLabel("Name").fill("Grace Hopper");
    await dialog.getByLabel("Email").fill("not-an-email");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect(dialog.getByText("Must be a valid email address.")).toBeVisible();
    await expect(dialog.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expectAccessible(page, "new user dialog");
    await screenshot(page, info, "user-create");
    await dialog.getByLabel("Email").fill(email);
    await dialog.getByLabel("Initial password (optional)").fill("a long enough password");
    await dialog.getByLabel("Time zone (optional)").fill("Europe/Paris");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await expect(dialog).toBeHidden();
    const toast = page.getByTestId("toast");
    await expect(toast).toContainText("Grace Hopper is created");
    await screenshot(page, info, "user-created-toast");
    await toast.getByRole("button", { name: "Open" }).click();
    await expect(page.getByRole("heading", { name: "Grace Hopper", level: 1 })).toBeVisible();
    await expect(page.getByText("Europe/Paris").first()).toBeVisible();
  });

  const userUrl = page.url();

  await test.step("edit the user", async () => {
    const form = page.getByRole("form", { name: "Edit user" });
    await form.getByLabel("Name").fill("Grace B. Hopper");
    await form.getByLabel("Phone").fill("+1 555 0100");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("toast")).toContainText("Changes saved");
    await expect(page.getByRole("heading", { name: "Grace B. Hopper", level: 1 })).toBeVisible();
    // Saving one section leaves the others as they were: nothing else to save.
    await expect(page.getByRole("button", { name: "Save roles" })).toBeDisabled();
    await expect(form.getByRole("button", { name: "Save changes" })).toBeDisabled();
    await expectAccessible(page, "user page");
    await screenshot(page, info, "user-detail");
  });

  await test.step("a change made elsewhere meanwhile is a conflict, and reload resolves it", async () => {
    const id = userUrl.split("/").pop()!;
    const auth = { authorization: `Bearer ${await apiToken(page, baseURL!)}` };
    const current = await (await page.request.get(`${baseURL}/api/v1/users/${id}`, { headers: auth })).json();
    const put = await page.request.put(`${baseURL}/api/v1/users/${id}`, {
      headers: auth,
      data: { version: current.version, name: renamed },
    });
    expect(put.status()).toBe(200);

    const form = page.getByRole("form", { name: "Edit user" });
    await form.getByLabel("Time zone").fill("Asia/Tokyo");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("conflict")).toContainText("Someone changed this user; reload");
    await screenshot(page, info, "user-conflict");
    await page.getByRole("button", { name: "Reload" }).click();
    await expect(form.getByLabel("Name")).toHaveValue(renamed);
    await form.getByLabel("Time zone").fill("Asia/Tokyo");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("toast")).toContainText("Changes saved");
  });

  await test.step("leaving with unsaved changes asks first", async () => {
    const form = page.getByRole("form", { name: "Edit user" });
    await form.getByLabel("Phone").fill("+1 555 0199");
    await page.getByRole("link", { name: "Users" }).first().click();
    const discard = page.getByRole("alertdialog", { name: "Discard your changes?" });
    await expect(discard).toBeVisible();
    await discard.getByRole("button", { name: "Keep editing" }).click();
    await expect(page).toHaveURL(userUrl);
    await expect(form.getByLabel("Phone")).toHaveValue("+1 555 0199");
    await dismissToast(page);
    await form.getByRole("button", { name: "Discard" }).click();
  });

  await test.step("deactivate the user, undo it, deactivate and reactivate", async () => {
    await dismissToast(page);
    await page.getByRole("button", { name: "Deactivate user" }).click();
    const confirm = page.getByRole("alertdialog", { name: /Deactivate/ });
    await expectAccessible(page, "deactivate dialog");
    await screenshot(page, info, "user-deactivate");
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await expect(confirm).toBeHidden();
    const toast = page.getByTestId("toast");
    await expect(toast).toContainText("is deactivated");
    await expect(page.getByText("inactive", { exact: true }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Deactivate user" })).toHaveCount(0);
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(page.getByTestId("toast")).toContainText("Undone");
    await expect(page.getByText("active", { exact: true }).first()).toBeVisible();

    await dismissToast(page);
    await page.getByRole("button", { name: "Deactivate user" }).click();
    await page.getByRole("alertdialog", { name: /Deactivate/ }).getByRole("button", { name: "Deactivate" }).click();
    await expect(page.getByRole("button", { name: "Reactivate" })).toBeVisible();
    await dismissToast(page);
    await expectAccessible(page, "deactivated user");
    await screenshot(page, info, "user-inactive");
    await page.getByRole("button", { name: "Reactivate" }).click();
    await expect(page.getByTestId("toast")).toContainText("is reactivated");
    await expect(page.getByRole("button", { name: "Deactivate user" })).toBeVisible();
  });

  await test.step("the administrator's sign-in tools: unlock and set a password", async () => {
    await dismissToast(page);
    const card = page.getByTestId("sign-in-card");
    await card.getByRole("button", { name: "Unlock sign-in" }).click();
    await expect(page.getByTestId("toast")).toContainText("can try to sign in again");
    await card.getByRole("button", { name: "Set password" }).click();
    const dialog = page.getByRole("dialog", { name: /Set a password/ });
    await dialog.getByLabel("New password").fill("short");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect(dialog.getByText("Use at least 12 characters.")).toBeVisible();
    await dialog.getByLabel("New password").fill("a password set by admin");
    await expectAccessible(page, "set password dialog");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("toast")).toContainText("password is set");
  });

  await test.step("the command palette finds pages and users", async () => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    await screenshot(page, info, "home-after-users");
    if (phone) await page.getByTestId("open-palette").tap();
    else await page.keyboard.press("Control+k");
    const input = page.getByTestId("palette-input");
    await expect(input).toBeFocused();
    await input.fill(renamed);
    await expect(page.getByRole("option", { name: new RegExp(renamed) })).toBeVisible();
    await expectAccessible(page, "command palette");
    await screenshot(page, info, "palette");
    await input.press("ArrowDown");
    await input.press("Enter");
    await expect(page).toHaveURL(userUrl);
  });

  await test.step("navigation and theme", async () => {
    if (phone) {
      await page.getByRole("button", { name: "Open navigation" }).click();
      const nav = page.getByRole("dialog", { name: "Navigation" });
      await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
      await screenshot(page, info, "nav");
      await nav.getByRole("link", { name: "Users" }).click();
      await expect(nav).toBeHidden();
    } else {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    }
    await expect(page).toHaveURL(/\/users$/);
    await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await expect(page.getByRole("cell", { name: "admin@e2e.test" })).toBeVisible();
    await expectAccessible(page, "users list, dark theme");
    await screenshot(page, info, "users-dark");
    await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).not.toHaveClass(/dark/);
  });

  await test.step("sign out", async () => {
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect(await refreshCookie(page), "sign-out removes the refresh cookie").toBeUndefined();
    await page.goto("/users");
    await expect(page).toHaveURL(/\/login\?next=/);
  });
});

// A pending user (no password yet): invited by email, or given a password by an administrator,
// which makes them active. Another user with two-step sign-in has it reset, after a question.
test("an administrator invites a pending user, sets a password and resets two-step sign-in", async ({ page, baseURL }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  await page.goto("/login");
  await signIn(page);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  const auth = { authorization: `Bearer ${await apiToken(page, baseURL!)}` };
  const made = await page.request.post(`${baseURL}/api/v1/users`, {
    headers: auth,
    data: { name: `Pending Person ${unique}`, email: `pending.${unique}@example.test` },
  });
  expect(made.status()).toBe(201);
  const pending = (await made.json()) as { id: string; name: string };

  await test.step("a pending user is invited", async () => {
    await page.goto(`/users/${pending.id}`);
    await expect(page.getByRole("heading", { name: pending.name, level: 1 })).toBeVisible();
    const card = page.getByTestId("sign-in-card");
    await expect(card).toContainText("has no password yet");
    await expectAccessible(page, "pending user");
    await screenshot(page, info, "user-pending");
    await card.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("toast")).toContainText(`Invitation sent to pending.${unique}@example.test`);
    await screenshot(page, info, "user-invited");
    const audit = await page.request.get(`${baseURL}/api/v1/audit-logs?entity_id=${pending.id}&action=user.invited`, { headers: auth });
    expect(((await audit.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  await test.step("a password set by the administrator makes them active", async () => {
    await page.getByTestId("sign-in-card").getByRole("button", { name: "Set password" }).click();
    const dialog = page.getByRole("dialog", { name: /Set a password/ });
    await dialog.getByLabel("New password").fill("pending no more 1234");
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect(page.getByTestId("toast")).toContainText("has a password and is active");
    await expect(page.getByText("active", { exact: true }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  });

  await test.step("resetting two-step sign-in asks first", async () => {
    const token = await apiToken(page, baseURL!, `pending.${unique}@example.test`, "pending no more 1234");
    const own = { authorization: `Bearer ${token}` };
    const enroll = (await (await page.request.post(`${baseURL}/api/v1/auth/mfa/enroll`, { headers: own })).json()) as {
      secret: string;
    };
    const confirmed = await page.request.post(`${baseURL}/api/v1/auth/mfa/confirm`, {
      headers: own,
      data: { code: totp(enroll.secret) },
    });
    expect(confirmed.status()).toBe(200);
    await page.reload();
    const card = page.getByTestId("sign-in-card");
    await expect(card).toContainText("an authenticator app");
    await card.getByRole("button", { name: "Reset two-step sign-in" }).click();
    const confirm = page.getByRole("alertdialog", { name: /Reset two-step sign-in/ });
    await expectAccessible(page, "reset MFA question");
    await screenshot(page, info, "user-reset-mfa");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(card.getByRole("button", { name: "Reset two-step sign-in" })).toBeVisible();
    await card.getByRole("button", { name: "Reset two-step sign-in" }).click();
    await confirm.getByRole("button", { name: "Reset two-step sign-in" }).click();
    await expect(page.getByTestId("toast")).toContainText("Two-step sign-in of");
    await expect(card.getByRole("button", { name: "Reset two-step sign-in" })).toHaveCount(0);
  });
});
