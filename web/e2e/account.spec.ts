import { readFileSync } from "node:fs";
import type { APIRequestContext } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, TENANT } from "./env";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import { totp } from "./totp";

async function apiToken(request: APIRequestContext, baseURL: string, email: string, password: string): Promise<string> {
  const res = await request.post(`${baseURL}/api/v1/auth/login`, { data: { tenant: TENANT, email, password } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

// Forgot and reset password: the pages one reaches without signing in.
test("forgot and reset password pages", async ({ page }, info) => {
  await test.step("the sign-in page links to the forgot-password page", async () => {
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expect(page.getByRole("heading", { name: "Forgot password" })).toBeVisible();
  });

  await test.step("asking for a link always answers the same", async () => {
    const form = page.getByRole("form", { name: "Forgot password" });
    await form.getByRole("button", { name: "Send reset link" }).click();
    await expect(form.getByText("Enter your email.")).toBeVisible();
    await expectAccessible(page, "forgot-password page");
    await screenshot(page, info, "forgot-password");
    await form.getByLabel("Email").fill("nobody@example.test");
    await form.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByTestId("forgot-sent")).toContainText("If nobody@example.test has an account");
    await screenshot(page, info, "forgot-password-sent");
  });

  await test.step("a reset link without a token says so", async () => {
    await page.goto("/reset-password");
    await expect(page.getByText("This link has no reset token.")).toBeVisible();
  });

  await test.step("a bad token is reported with a way to ask again", async () => {
    await page.goto("/reset-password?token=not-a-real-token");
    const form = page.getByRole("form", { name: "Reset password" });
    await form.getByLabel("New password", { exact: true }).fill("short");
    await form.getByRole("button", { name: "Set new password" }).click();
    await expect(form.getByText("Use at least 12 characters.")).toBeVisible();
    await form.getByLabel("New password", { exact: true }).fill("a brand new password 1");
    await form.getByLabel("Repeat the new password").fill("a brand new password 1");
    await form.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByRole("alert")).toContainText("This reset link does not work any more");
    await expect(page.getByRole("alert").getByRole("link", { name: "Ask for a new link" })).toBeVisible();
    await expectAccessible(page, "reset-password page");
    await screenshot(page, info, "reset-password-error");
    await page.getByRole("link", { name: "Back to sign in" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });
});

// A user's own page: details, sessions, two-step sign-in and a password change that signs them out.
test("a user manages their own profile", async ({ page, baseURL, request }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  const email = `ada.${unique}@example.test`;
  const password = "ada first password 1";
  const newPassword = "ada second password 2";
  const admin = await apiToken(request, baseURL!, ADMIN_EMAIL, ADMIN_PASSWORD);
  const created = await request.post(`${baseURL}/api/v1/users`, {
    headers: { authorization: `Bearer ${admin}` },
    data: { name: "Ada Lovelace", email, password },
  });
  expect(created.status()).toBe(201);

  await test.step("the user menu opens my profile", async () => {
    await page.goto("/login");
    await signIn(page, email, password);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "My profile" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("heading", { name: "My profile", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("Profile · FireLater");
    await expect(page.getByText(email)).toBeVisible();
  });

  await test.step("edit my own name", async () => {
    const form = page.getByRole("form", { name: "Edit user" });
    await form.getByLabel("Name").fill("Ada King");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("toast")).toContainText("Changes saved");
    await expect(page.getByTestId("user-menu")).toHaveAccessibleName("Account menu for Ada King");
  });

  await test.step("my sessions, and signing out the others", async () => {
    await apiToken(request, baseURL!, email, password);
    await page.reload();
    const sessions = page.getByTestId("session");
    await expect(sessions).toHaveCount(2);
    // Rows name the device in words, and mark this one.
    const mine = sessions.filter({ hasText: "This device" });
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText(/^\w+ on \w+/);
    await expect(page.getByRole("definition").filter({ hasText: "Requester" })).toBeVisible();
    await expectAccessible(page, "profile page");
    await screenshot(page, info, "profile");
    // One other session is signed out on its own, with a toast.
    await apiToken(request, baseURL!, email, password);
    await page.reload();
    await expect(sessions).toHaveCount(3);
    await sessions.filter({ hasNotText: "This device" }).first().getByRole("button", { name: /^Sign out/ }).click();
    await expect(page.getByTestId("toast")).toContainText("Signed out");
    await expect(sessions).toHaveCount(2);
    // All the others: asked first.
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    const confirm = page.getByRole("alertdialog", { name: /Sign out the other session/ });
    await expectAccessible(page, "sign out others question");
    await screenshot(page, info, "profile-sign-out-others");
    await confirm.getByRole("button", { name: "Sign out" }).click();
    await expect(sessions).toHaveCount(1);
    await expect(page.getByTestId("toast")).toContainText("Signed out everywhere else");
    await expect(page.getByRole("button", { name: "Sign out everywhere else" })).toHaveCount(0);
  });

  await test.step("turn two-step sign-in on with a code, then off with the password", async () => {
    const state = page.getByTestId("mfa-state");
    await expect(state).toHaveText("Off");
    await expect(page.getByRole("form", { name: "Turn off two-step sign-in" })).toHaveCount(0);
    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await expect(page.getByTestId("mfa-qr")).toBeVisible();
    const secret = (await page.getByTestId("mfa-secret").textContent())!.trim();
    const form = page.getByRole("form", { name: "Confirm two-step sign-in" });
    await form.getByLabel("Code from the app").fill("12");
    await form.getByRole("button", { name: "Turn on" }).click();
    await expect(form.getByText("Enter the 6 digits your app shows.")).toBeVisible();
    await expectAccessible(page, "two-step set-up");
    await screenshot(page, info, "profile-mfa");
    await form.getByLabel("Code from the app").fill(totp(secret));
    await form.getByRole("button", { name: "Turn on" }).click();
    const codes = page.getByTestId("recovery-codes");
    await expect(codes).toContainText("shown only now");
    await expect(codes.getByRole("listitem")).toHaveCount(10);
    // One state: on, and nothing says otherwise.
    await expect(state).toHaveText("On");
    await expect(page.getByRole("button", { name: "Set up two-step sign-in" })).toHaveCount(0);
    const first = (await codes.getByRole("listitem").first().textContent())!.trim();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await codes.getByRole("button", { name: "Copy" }).click();
    await expect(page.getByTestId("toast")).toContainText("Recovery codes copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(first);
    const download = page.waitForEvent("download");
    await codes.getByRole("button", { name: "Download .txt" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("firelater-recovery-codes.txt");
    expect(readFileSync((await file.path())!, "utf8")).toContain(first);
    await expectAccessible(page, "recovery codes");
    await screenshot(page, info, "profile-recovery-codes");
    const off = page.getByRole("form", { name: "Turn off two-step sign-in" });
    await off.getByLabel("Password").fill(password);
    await off.getByRole("button", { name: "Turn off two-step sign-in" }).click();
    await expect(page.getByTestId("toast")).toContainText("Two-step sign-in is off");
    await expect(state).toHaveText("Off");
    await expect(codes).toHaveCount(0);
  });

  await test.step("changing my password signs me out with a message", async () => {
    const form = page.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill("not my password at all");
    await form.getByLabel("New password", { exact: true }).fill(newPassword);
    await form.getByLabel("Repeat the new password").fill(newPassword);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByText("Is wrong.")).toBeVisible();
    await expect(form.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
    await form.getByLabel("Current password").fill(password);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByText("Your password is changed and all your sessions are signed out.")).toBeVisible();
    await screenshot(page, info, "password-changed");
    await signIn(page, email, newPassword);
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  });
});
