import type { Page } from "@playwright/test";
import { apiToken, expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

/** Closes the toast on screen, if any: on a phone it sits over the bottom of the page. */
async function dismissToast(page: Page): Promise<void> {
  const dismiss = page.getByTestId("toast").getByRole("button", { name: "Dismiss" });
  if (await dismiss.isVisible()) await dismiss.click();
  await expect(page.getByTestId("toast")).toHaveCount(0);
}

// Business services: a three-level tree made through the pages with costs, its roll-up
// (total and worst status), a move, a move that would make a cycle refused (by the picker and,
// when the page's tree is stale, by the server), a relationship, a stakeholder, an application
// that realises a service, a leaf deleted and a parent's delete refused. Run once per viewport.
test("an administrator builds a service tree and sees its roll-up", async ({ page, baseURL }, info) => {
  const phone = info.project.name === "phone";
  const unique = `${info.project.name}-${Date.now()}`;
  const retail = `Retail ${unique}`;
  const checkout = `Checkout ${unique}`;
  const payments = `Payments ${unique}`;
  const cards = `Cards ${unique}`;
  const ledger = `Ledger ${unique}`;
  const person = `Service Person ${unique}`;
  const appName = `Shop App ${unique}`;
  const toast = page.getByTestId("toast");
  const tree = page.getByRole("tree", { name: "Services" });
  const panel = page.getByTestId("service-panel");
  const title = panel.getByRole("heading", { level: 2 }).first();

  await page.goto("/services");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Services", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle("Services · FireLater");
  const auth = { authorization: `Bearer ${await apiToken(page, baseURL!)}` };
  const post = async (path: string, data: object) => {
    const res = await page.request.post(`${baseURL}/api/v1${path}`, { headers: auth, data });
    expect(res.status(), `POST ${path}`).toBe(201);
    return (await res.json()) as { id: string; number?: string };
  };
  await post("/users", { name: person, email: `service.person.${unique}@example.test` });
  const app = await post("/applications", { name: appName, tier: "P2" });

  /** On a phone a service is a page of its own: its "All services" link goes back to the tree. */
  const backToTree = async () => {
    const back = page.getByRole("link", { name: "All services" });
    // After a reload, once the page shows either.
    await expect(back.or(page.getByRole("heading", { name: "Services", level: 1 })).first()).toBeVisible();
    if (phone && (await back.isVisible())) await back.click();
  };
  const open = async (name: string) => {
    await backToTree();
    await page.getByLabel("Search services").fill(unique);
    await tree.getByRole("treeitem", { name: new RegExp(`^${name}`) }).click();
    await expect(title).toContainText(name);
  };
  const create = async (
    name: string,
    { parent, type, status, costs }: { parent?: string; type: string; status: string; costs: [string, string, string] },
    shot?: string,
  ) => {
    const dialog = page.getByRole("dialog", { name: "New service" });
    if (parent) {
      await panel.getByRole("button", { name: "Add child service" }).click();
      // Opened from the parent's panel, the parent is chosen already.
      await expect(dialog.getByRole("combobox", { name: "Parent service" })).toHaveValue(new RegExp(`SRV-\\d+ ${parent}`));
    } else {
      await backToTree();
      await page.getByRole("button", { name: "New service" }).click();
    }
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Type").selectOption(type);
    await dialog.getByLabel("Status").selectOption(status);
    await dialog.getByLabel("People").fill(costs[0]);
    await dialog.getByLabel("Process").fill(costs[1]);
    await dialog.getByLabel("Technology").fill(costs[2]);
    if (shot) {
      await expect(dialog.getByTestId("derived-total")).toHaveText("1,200.50");
      await expectAccessible(page, "new service dialog");
      await screenshot(page, info, shot);
    }
    await dialog.getByRole("button", { name: "Create service" }).click();
    await expect(dialog).toBeHidden();
    await expect(toast).toContainText(`${name} is created`);
    await expect(title).toContainText(name);
    await dismissToast(page);
  };

  await test.step("build business → technical → application with costs", async () => {
    await create(retail, { type: "business", status: "active", costs: ["1000", "200.50", ""] }, "service-create");
    await create(checkout, { parent: retail, type: "technical", status: "design", costs: ["", "", "300"] });
    await create(payments, { parent: checkout, type: "application", status: "deprecated", costs: ["50.25", "", ""] });
    await expect(panel.getByRole("navigation", { name: "Parent services" })).toHaveText(`${retail} › ${checkout}`);
  });

  await test.step("the top shows the roll-up total and the worst status", async () => {
    await open(retail);
    const rollup = page.getByTestId("rollup");
    // 1000 + 200.50 + 300 + 50.25
    await expect(rollup).toContainText("1,550.75");
    await expect(rollup.getByTestId("worst-status")).toHaveText("Deprecated");
    await expect(rollup.getByTestId("rollup-child")).toHaveCount(1);
    await expect(rollup.getByTestId("rollup-child")).toContainText(checkout);
    await expect(rollup.getByTestId("rollup-child")).toContainText("350.25");
    await expect(panel.getByTestId("own-cost")).toHaveText("1,200.50");
    // The tree alone, as a link to the list shows it.
    await page.goto(`/services?q=${encodeURIComponent(unique)}`);
    await expect(tree.getByRole("treeitem", { name: new RegExp(`^${retail}`) })).toContainText("1,550.75");
    await expect(tree.getByRole("treeitem", { name: new RegExp(`^${payments}`) })).toHaveAttribute("aria-level", "3");
    await expectAccessible(page, "service tree");
    await screenshot(page, info, "services");
    await open(retail);
    await expectAccessible(page, "service panel");
    await screenshot(page, info, "service-rollup");
  });

  await test.step("move a service under another parent", async () => {
    await post("/services", { name: cards, type: "application", status: "active", parent_service_id: null, cost_technology: 10 });
    await page.reload();
    await open(cards);
    const form = page.getByRole("form", { name: `Edit ${cards}` });
    await form.getByRole("combobox", { name: "Parent service" }).fill(checkout);
    await form.getByRole("option", { name: new RegExp(checkout) }).click();
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(toast).toContainText(`Saved ${cards}`);
    await expect(panel.getByRole("navigation", { name: "Parent services" })).toHaveText(`${retail} › ${checkout}`);
    await dismissToast(page);
    await backToTree();
    await expect(tree.getByRole("treeitem", { name: new RegExp(`^${cards}`) })).toHaveAttribute("aria-level", "3");
    await expect(tree.getByRole("treeitem", { name: new RegExp(`^${retail}`) })).toContainText("1,560.75");
  });

  await test.step("a move that would make a cycle is refused", async () => {
    await open(retail);
    const form = page.getByRole("form", { name: `Edit ${retail}` });
    const parent = form.getByRole("combobox", { name: "Parent service" });
    // The picker does not offer a service below it.
    await parent.fill(payments);
    await expect(form.getByText("What matches cannot be picked here.")).toBeVisible();
    await parent.press("Escape");
    // One made below it behind the page's back is offered, and the server refuses the move.
    const late = `Late ${unique}`;
    const list = await page.request.get(`${baseURL}/api/v1/services`, { headers: auth, params: { q: checkout } });
    const found = ((await list.json()) as { data: { id: string; name: string }[] }).data.find((s) => s.name === checkout);
    await post("/services", { name: late, type: "technical", parent_service_id: found!.id });
    await parent.fill(late);
    await form.getByRole("option", { name: new RegExp(late) }).click();
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(parent).toHaveAttribute("aria-invalid", "true");
    await expect(form.locator("#edit-service-parent-error")).toBeVisible();
    await expectAccessible(page, "service form with a refused move");
    await screenshot(page, info, "service-cycle-refused");
    await form.getByRole("button", { name: "Discard" }).click();
    await expect(parent).toHaveValue("");
  });

  await test.step("add a relationship; the other service sees it too", async () => {
    await post("/services", { name: ledger, type: "technical", status: "active" });
    await page.reload();
    await open(checkout);
    const card = page.getByTestId("relationships");
    const form = card.getByRole("form", { name: "Add a relationship" });
    await form.getByLabel("Relationship").selectOption("depends_on");
    await form.getByRole("combobox", { name: "Service" }).fill(ledger);
    await form.getByRole("option", { name: new RegExp(ledger) }).click();
    await form.getByLabel("Description (optional)").fill("Posts every payment.");
    await form.getByRole("button", { name: "Add relationship" }).click();
    await expect(toast).toContainText(`${checkout} depends on ${ledger}`);
    const rel = card.getByTestId("relationship");
    await expect(rel).toHaveCount(1);
    await expect(rel).toContainText(`This depends on`);
    await expect(rel).toContainText(ledger);
    await expect(rel).toContainText("Posts every payment.");
    await dismissToast(page);
    await rel.getByRole("link", { name: new RegExp(ledger) }).click();
    await expect(title).toContainText(ledger);
    await expect(card.getByTestId("relationship")).toContainText(`${checkout} depends on this`);
  });

  await test.step("add a stakeholder and link an application", async () => {
    await open(checkout);
    const people = page.getByTestId("stakeholders");
    await people.getByRole("combobox", { name: "User" }).fill(person);
    await people.getByRole("option", { name: new RegExp(person) }).click();
    await people.getByLabel("As").selectOption("manager");
    await people.getByRole("button", { name: "Add", exact: true }).click();
    await expect(toast).toContainText(`Added ${person} to ${checkout} as manager`);
    await expect(people.getByTestId("stakeholder")).toHaveCount(1);
    await expect(people.getByTestId("stakeholder")).toContainText("Manager");
    await dismissToast(page);

    const apps = page.getByTestId("service-applications");
    await apps.getByRole("combobox", { name: "Link an application" }).fill(appName);
    await apps.getByRole("option", { name: new RegExp(appName) }).click();
    await apps.getByRole("button", { name: "Link" }).click();
    await expect(toast).toContainText(`${appName} realises ${checkout}`);
    await dismissToast(page);
    const linked = apps.getByTestId("service-application");
    await expect(linked).toHaveCount(1);
    await expect(linked.getByRole("link")).toHaveAttribute("href", `/applications/${app.id}`);
    await expectAccessible(page, "service with relationships, stakeholders and applications");
    await screenshot(page, info, "service-links");
  });

  await test.step("delete a leaf; a parent's delete is refused", async () => {
    await open(payments);
    await panel.getByRole("button", { name: "Delete" }).click();
    let confirm = page.getByRole("alertdialog", { name: new RegExp(`Delete SRV-\\d+ ${payments}\\?`) });
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(toast).toContainText(`${payments} is deleted`);
    // Back at its parent, without it.
    await expect(title).toContainText(checkout);
    await dismissToast(page);
    await backToTree();
    await expect(tree.getByRole("treeitem", { name: new RegExp(`^${payments}`) })).toHaveCount(0);

    await open(retail);
    await panel.getByRole("button", { name: "Delete" }).click();
    confirm = page.getByRole("alertdialog", { name: new RegExp(`Delete SRV-\\d+ ${retail}\\?`) });
    await expect(confirm).toContainText("below it");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(toast).toContainText(`${retail} still has services below it`);
    await expect(title).toContainText(retail);
    await expectAccessible(page, "service whose delete was refused");
    await screenshot(page, info, "service-delete-refused");
  });

  await test.step("?new=1 (the palette's New service) and c open the create dialog", async () => {
    await page.goto("/services?new=1");
    const dialog = page.getByRole("dialog", { name: "New service" });
    await expect(dialog).toBeVisible();
    await expect(page).toHaveURL(/\/services$/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await page.keyboard.press("c");
    await expect(dialog).toBeVisible();
  });
});
