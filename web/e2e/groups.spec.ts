import { ADMIN_EMAIL, ADMIN_PASSWORD, TENANT } from "./env";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

// Groups: a parent and a child group made, the hierarchy shown as a tree, a lead added and removed.
test("an administrator manages groups and their members", async ({ page, baseURL, request }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  const parent = `IT ${unique}`;
  const child = `Service Desk ${unique}`;
  const person = `Grouped Person ${unique}`;
  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { tenant: TENANT, email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  const auth = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  const res = await request.post(`${baseURL}/api/v1/users`, {
    headers: auth,
    data: { name: person, email: `grouped.${unique}@example.test` },
  });
  expect(res.status()).toBe(201);

  await test.step("create a parent and a child group", async () => {
    await page.goto("/admin/groups");
    await signIn(page);
    await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("Groups · FireLater");
    for (const [name, under] of [
      [parent, null],
      [child, parent],
    ] as const) {
      await page.getByRole("button", { name: "New group" }).click();
      const dialog = page.getByRole("dialog", { name: "New group" });
      await dialog.getByLabel("Name").fill(name);
      if (under) await dialog.getByLabel("Parent group").selectOption({ label: under });
      await dialog.getByRole("button", { name: "Create group" }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByTestId("group-panel")).toContainText(name);
    }
    const tree = page.getByRole("navigation", { name: "Group hierarchy" });
    const names = await tree.getByRole("button").allTextContents();
    const i = names.findIndex((n) => n.includes(parent));
    expect(names[i + 1]).toContain(child);
    expect(names[i + 1]).toContain("└");
  });

  await test.step("add a lead, then remove them", async () => {
    const panel = page.getByTestId("group-panel");
    await expect(panel.getByText("No members yet.")).toBeVisible();
    await panel.getByLabel("Find a user").fill(person);
    await panel.getByLabel("As").selectOption("lead");
    await panel.getByRole("button", { name: `Add ${person} as lead` }).click();
    const member = panel.getByTestId("member").filter({ hasText: person });
    await expect(member).toContainText("lead");
    await expectAccessible(page, "groups page");
    await screenshot(page, info, "groups");
    await member.getByRole("button", { name: `Remove ${person}` }).click();
    await expect(member).toHaveCount(0);
    await expect(panel.getByText("No members yet.")).toBeVisible();
  });
});
