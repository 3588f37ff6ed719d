import { ADMIN_EMAIL, ADMIN_PASSWORD, TENANT } from "./env";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

// Groups: a parent and a child made, the tree, members added, re-roled and removed (each with
// Undo), the child renamed and moved, the user's Groups card, and the parent deleted.
test("an administrator manages groups and their members", async ({ page, baseURL, request }, info) => {
  const phone = info.project.name === "phone";
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
  const personId = ((await res.json()) as { id: string }).id;
  const panel = page.getByTestId("group-panel");
  // The group's name heads the panel; its cards follow with their own headings.
  const title = panel.getByRole("heading", { level: 2 }).first();
  const toast = page.getByTestId("toast");
  const tree = page.getByRole("tree", { name: "Groups" });
  // On a phone the group is a page of its own: its "All groups" link goes back to the tree.
  const backToTree = async () => {
    const back = page.getByRole("link", { name: "All groups" });
    if (phone && (await back.isVisible())) await back.click();
  };

  await test.step("create a parent and a child group", async () => {
    await page.goto("/admin/groups");
    await signIn(page);
    await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
    await expect(page).toHaveTitle("Groups · FireLater");
    for (const [name, under] of [
      [parent, null],
      [child, parent],
    ] as const) {
      await backToTree();
      await page.getByRole("button", { name: "New group" }).click();
      const dialog = page.getByRole("dialog", { name: "New group" });
      await dialog.getByLabel("Name").fill(name);
      if (under) {
        await dialog.getByRole("combobox", { name: "Parent group" }).fill(under);
        await dialog.getByRole("option", { name: under }).click();
      }
      await dialog.getByRole("button", { name: "Create group" }).click();
      await expect(dialog).toBeHidden();
      await expect(toast).toContainText(`Created ${name}`);
      await expect(title).toContainText(name);
    }
    await expect(page).toHaveURL(/\/admin\/groups\/[0-9a-f-]{36}$/);
    await expect(panel.getByRole("navigation", { name: "Parent groups" })).toHaveText(parent);
    await page.reload();
    await expect(title).toContainText(child);
    await backToTree();
    await page.getByLabel("Search groups").fill(unique);
    await expect(tree.getByRole("treeitem", { name: parent })).toHaveAttribute("aria-level", "1");
    await expect(tree.getByRole("treeitem", { name: child })).toHaveAttribute("aria-level", "2");
    await tree.getByRole("treeitem", { name: child }).click();
  });

  await test.step("add a lead, undo it, add them as a member", async () => {
    await expect(panel.getByText("No members yet.")).toBeVisible();
    const picker = panel.getByRole("combobox", { name: "User" });
    await picker.fill(person);
    await panel.getByRole("option", { name: new RegExp(person) }).click();
    await panel.getByLabel("As").selectOption("lead");
    await panel.getByRole("button", { name: "Add", exact: true }).click();
    await expect(toast).toContainText(`Added ${person} to ${child} as lead`);
    const member = panel.getByTestId("member").filter({ hasText: person });
    await expect(member.getByLabel(`Role of ${person}`)).toHaveValue("lead");
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toContainText("Undone");
    await expect(member).toHaveCount(0);
    await picker.fill(person);
    await panel.getByRole("option", { name: new RegExp(person) }).click();
    await panel.getByLabel("As").selectOption("member");
    await panel.getByRole("button", { name: "Add", exact: true }).click();
    await expect(member.getByLabel(`Role of ${person}`)).toHaveValue("member");
  });

  await test.step("make them lead, undo; remove them, undo", async () => {
    const member = panel.getByTestId("member").filter({ hasText: person });
    const role = member.getByLabel(`Role of ${person}`);
    await role.selectOption("lead");
    await expect(toast).toContainText(`${person} is now a lead of ${child}`);
    await expect(role).toHaveValue("lead");
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toContainText("Undone");
    await expect(role).toHaveValue("member");
    await role.selectOption("lead");
    await expect(toast).toContainText("is now a lead");
    await expectAccessible(page, "groups page");
    await screenshot(page, info, "groups");
    await member.getByRole("button", { name: `Remove ${person}` }).click();
    await expect(toast).toContainText(`Removed ${person} from ${child}`);
    await expect(member).toHaveCount(0);
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(toast).toContainText("Undone");
    await expect(role).toHaveValue("lead");
  });

  await test.step("rename the child and move it to the top level", async () => {
    const form = page.getByRole("form", { name: `Edit ${child}` });
    await form.getByLabel("Name").fill(`${child} EU`);
    await form.getByLabel("Type").selectOption("department");
    await form.getByRole("button", { name: /^Clear parent group/ }).click();
    await form.getByRole("button", { name: "Save" }).click();
    await expect(toast).toContainText(`Saved ${child} EU`);
    await expect(title).toContainText(`${child} EU`);
    await expect(panel.getByRole("navigation", { name: "Parent groups" })).toHaveCount(0);
    await backToTree();
    await expect(tree.getByRole("treeitem", { name: `${child} EU` })).toHaveAttribute("aria-level", "1");
  });

  await test.step("the user's page lists their groups with their role", async () => {
    await page.goto(`/users/${personId}`);
    const card = page.getByRole("list", { name: `Groups of ${person}` });
    await expect(card.getByTestId("user-group")).toHaveText([`${child} EULead`]);
    await card.getByRole("link", { name: `${child} EU` }).click();
    await expect(title).toContainText(`${child} EU`);
  });

  await test.step("delete a group after confirming what happens", async () => {
    await backToTree();
    await page.getByLabel("Search groups").fill(unique);
    await tree.getByRole("treeitem", { name: parent }).click();
    await panel.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm).toContainText(`Delete ${parent}?`);
    await expect(confirm).toContainText("It has no sub-groups.");
    await expect(confirm).toContainText("This cannot be undone.");
    await confirm.getByRole("button", { name: "Delete group" }).click();
    await expect(toast).toContainText(`Deleted ${parent}`);
    await expect(page).toHaveURL(/\/admin\/groups$/);
    await expect(tree.getByRole("treeitem", { name: parent })).toHaveCount(0);
  });
});
