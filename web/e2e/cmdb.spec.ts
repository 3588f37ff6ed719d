import { readFileSync } from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import { apiToken, expect, expectAccessible, screenshot, signIn, test } from "./fixtures";

/** Closes the toast on screen, if any: on a phone it sits over the bottom of the page. */
async function dismissToast(page: Page): Promise<void> {
  const dismiss = page.getByTestId("toast").getByRole("button", { name: "Dismiss" });
  if (await dismiss.isVisible()) await dismiss.click();
  await expect(page.getByTestId("toast")).toHaveCount(0);
}

interface Made {
  id: string;
  number?: string;
  app_id?: string;
}

async function post(request: APIRequestContext, url: string, auth: Record<string, string>, data: unknown): Promise<Made> {
  const res = await request.post(url, { headers: auth, data });
  expect(res.status(), `POST ${url}: ${await res.text()}`).toBe(201);
  return (await res.json()) as Made;
}

// The CMDB round: an application with two environments, three CIs linked to it (one through
// the create dialog and its class's attribute fields), relationships, the graph (a click on a
// CI opens it), impact downstream and upstream. Run once per viewport.
test("an administrator maps an application's configuration items and analyses impact", async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const unique = `${info.project.name}-${Date.now()}`;
  const api = `${baseURL}/api/v1`;
  const toast = page.getByTestId("toast");

  await page.goto("/cmdb");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Configuration items", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle("Configuration items · FireLater");
  const auth = { authorization: `Bearer ${await apiToken(page, baseURL!)}` };

  // The application and its environments come through the API (applications.spec drives those pages).
  const app = await post(page.request, `${api}/applications`, auth, { name: `Checkout ${unique}`, tier: "P1" });
  await post(page.request, `${api}/applications/${app.id}/environments`, auth, { name: "Production", type: "prod" });
  await post(page.request, `${api}/applications/${app.id}/environments`, auth, { name: "Staging", type: "staging" });
  const appLabel = `${app.app_id} Checkout ${unique}`;
  const db = await post(page.request, `${api}/cmdb/cis`, auth, {
    name: `orders-db ${unique}`,
    ci_class: "database",
    environment: "production",
    application_id: app.id,
    attributes: {},
  });
  const lb = await post(page.request, `${api}/cmdb/cis`, auth, {
    name: `edge-lb ${unique}`,
    ci_class: "load_balancer",
    environment: "production",
    application_id: app.id,
    attributes: {},
  });
  const serverName = `web-01 ${unique}`;
  let server: Made = { id: "" };

  await test.step("create a server through the dialog: its class's attribute fields, a server error at its field", async () => {
    await page.getByRole("button", { name: "New configuration item" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New configuration item" });
    await dialog.getByLabel("Name").fill(serverName);
    await dialog.getByLabel("Class").selectOption("server");
    await dialog.getByLabel("Environment").selectOption("production");
    await dialog.getByRole("combobox", { name: "Application" }).fill(unique);
    await dialog.getByRole("option", { name: appLabel }).click();
    const attributes = dialog.getByTestId("attribute-fields");
    await expect(attributes).toBeVisible();
    await attributes.locator("#new-ci-attr-os").fill(`Ubuntu ${unique}`);
    await attributes.locator("#new-ci-attr-cpu_cores").fill("0");
    await dialog.getByRole("button", { name: "Create configuration item" }).click();
    await expect(attributes.locator("#new-ci-attr-cpu_cores")).toHaveAttribute("aria-invalid", "true");
    await expect(dialog.locator("#new-ci-attr-cpu_cores-error")).toBeVisible();
    await expectAccessible(page, "new CI dialog with an attribute error");
    await screenshot(page, info, "cmdb-ci-create-error");
    await attributes.locator("#new-ci-attr-cpu_cores").fill("4");
    await dialog.getByRole("button", { name: "Create configuration item" }).click();
    await expect(dialog).toBeHidden();
    await expect(toast).toContainText(`${serverName} is created`);
    await dismissToast(page);
  });

  await test.step("find it by an attribute filter", async () => {
    await page.getByLabel("Attribute", { exact: true }).fill("os");
    await page.getByLabel("Attribute value").fill(`Ubuntu ${unique}`);
    await page.getByRole("button", { name: "Add filter" }).click();
    await expect(page).toHaveURL(/attr\.os=/);
    const rows = page.getByTestId("ci-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(serverName);
    await expectAccessible(page, "CI list");
    await screenshot(page, info, "cmdb-cis");
    await rows.first().getByRole("link").click();
    await expect(page.getByRole("heading", { name: new RegExp(`CI-\\d+ · ${serverName}`), level: 1 })).toBeVisible();
    server = { id: page.url().split("/").pop()!, number: (await page.getByRole("heading", { level: 1 }).locator("span.font-mono").textContent())! };
    await expect(page.getByTestId("ci-attributes")).toContainText("4");
  });

  await test.step("relate the CIs: the server depends on the database (in the page), the balancer on the server", async () => {
    const card = page.getByTestId("relationships-card");
    await card.getByLabel(`${server.number} …`).selectOption("depends_on");
    await card.getByRole("combobox", { name: "Target CI" }).fill(db.number!);
    await card.getByRole("option", { name: new RegExp(db.number!) }).click();
    await card.getByLabel("Description (optional)").fill("orders and carts");
    await card.getByRole("button", { name: "Add relationship" }).click();
    await expect(toast).toContainText(`${server.number} depends on ${db.number}`);
    await expect(card.getByTestId("relationship-row")).toHaveCount(1);
    await dismissToast(page);
    await post(page.request, `${api}/cmdb/relationships`, auth, {
      source_ci_id: lb.id,
      target_ci_id: server.id,
      relationship_type: "depends_on",
      description: null,
    });
    await page.reload();
    await expect(card.getByTestId("relationship-row")).toHaveCount(2);
    await expect(card).toContainText(`${lb.number}`);
    await expectAccessible(page, "CI page");
    await screenshot(page, info, "cmdb-ci-detail");
  });

  await test.step("the graph around the database: every CI drawn, a click opens one", async () => {
    await page.goto(`/cmdb/cis/${db.id}`);
    const graphCard = page.getByTestId("graph-impact-card");
    await graphCard.scrollIntoViewIfNeeded();
    const graph = graphCard.getByTestId("relationship-graph");
    await expect(graph.getByTestId("graph-node")).toHaveCount(3);
    await expect(graph.locator(`[data-number="${db.number}"]`)).toHaveAttribute("data-state", "root");
    await expect(graph).toContainText("depends on");
    await expectAccessible(page, "CI graph");
    await screenshot(page, info, "cmdb-graph");
    await graph.locator(`[data-number="${server.number}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/cmdb/cis/${server.id}$`));
    await expect(page.getByRole("heading", { name: new RegExp(serverName), level: 1 })).toBeVisible();
  });

  await test.step("impact downstream of the database reaches the server, the balancer and the application", async () => {
    await page.goto(`/cmdb/cis/${db.id}`);
    const card = page.getByTestId("graph-impact-card");
    await card.getByRole("tab", { name: "Impact" }).click();
    await expect(card.getByTestId("impact-summary")).toContainText("A failure would reach 2 CIs, 1 application");
    const nodes = card.getByTestId("impact-node");
    await expect(nodes).toHaveCount(2);
    await expect(nodes.nth(0)).toContainText(`${db.number} → ${server.number}`);
    await expect(nodes.nth(1)).toContainText(`${db.number} → ${server.number} → ${lb.number}`);
    await expect(card.getByTestId("impact-applications")).toContainText(appLabel);
    await expect(card.getByTestId("impact-applications")).toContainText("P1");
    const graph = card.getByTestId("relationship-graph");
    await expect(graph.locator(`[data-number="${db.number}"]`)).toHaveAttribute("data-state", "root");
    await expect(graph.locator(`[data-number="${lb.number}"]`)).toHaveAttribute("data-state", "reached");
    await expectAccessible(page, "impact downstream");
    await screenshot(page, info, "cmdb-impact-downstream");

    await card.getByLabel("Direction").selectOption("upstream");
    await expect(card.getByTestId("impact-summary")).toContainText("It needs 0 CIs");
    await card.getByLabel("Depth").selectOption("1");
    await expect(card.getByTestId("impact-summary")).toContainText("It needs 0 CIs");
  });

  await test.step("impact upstream of the balancer: what it needs", async () => {
    await page.goto(`/cmdb/cis/${lb.id}`);
    const card = page.getByTestId("graph-impact-card");
    await card.getByRole("tab", { name: "Impact" }).click();
    await card.getByLabel("Direction").selectOption("upstream");
    await expect(card.getByTestId("impact-summary")).toContainText("It needs 2 CIs");
    await expect(card.getByTestId("impact-node").nth(1)).toContainText(`${lb.number} → ${server.number} → ${db.number}`);
    await expect(card.getByTestId("relationship-graph").locator(`[data-number="${db.number}"]`)).toHaveAttribute("data-state", "reached");
    await screenshot(page, info, "cmdb-impact-upstream");
  });

  await test.step("the application's page: its CIs, its graph and its impact", async () => {
    await page.goto(`/applications/${app.id}`);
    await expect(page.getByTestId("linked-cis-card").getByTestId("linked-ci-row")).toHaveCount(3);
    const card = page.getByTestId("graph-impact-card");
    await expect(card.getByTestId("relationship-graph").getByTestId("graph-node")).toHaveCount(3);
    await card.getByRole("tab", { name: "Impact" }).click();
    await expect(card.getByTestId("impact-summary")).toBeVisible();
    await expectAccessible(page, "application page with CMDB sections");
    await screenshot(page, info, "cmdb-application");
  });
});

// CSV in and out of the CI list: a file with a bad row is refused and the row named by line and
// field, the fixed file imports (with a relationship by CI number), and the filtered list exports.
test("an administrator imports configuration items from CSV and exports the list", async ({ page, baseURL }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  const api = `${baseURL}/api/v1`;
  const toast = page.getByTestId("toast");

  await page.goto("/cmdb");
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Configuration items", level: 1 })).toBeVisible();
  const auth = { authorization: `Bearer ${await apiToken(page, baseURL!)}` };
  const app = await post(page.request, `${api}/applications`, auth, { name: `Cache ${unique}`, tier: "P2" });
  const db = await post(page.request, `${api}/cmdb/cis`, auth, {
    name: `cache-db ${unique}`,
    ci_class: "database",
    environment: "production",
    application_id: app.id,
    attributes: {},
  });
  const dbName = `cache-db ${unique}`;

  await test.step("import CIs from CSV: a bad row is named by line and field, then the fixed file imports", async () => {
    await page.goto("/cmdb");
    await page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = page.getByRole("dialog", { name: "Import configuration items from CSV" });
    const bad = [
      "name,ci_class,environment,application,relationships",
      `cache-01 ${unique},server,production,${app.app_id},depends_on:${db.number}`,
      `cache-02 ${unique},server,moon,${app.app_id},`,
    ].join("\n");
    await dialog.getByLabel("Or paste the CSV").fill(bad);
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(dialog.getByTestId("import-errors")).toContainText("Line 3 · environment:");
    await expect(dialog.getByRole("button", { name: "Import" })).toBeDisabled();
    await expectAccessible(page, "import report with an error");
    await screenshot(page, info, "cmdb-import-error");
    await dialog.getByLabel("Or paste the CSV").fill(bad.replace(",moon,", ",staging,"));
    await expect(dialog.getByRole("button", { name: "Import" })).toBeDisabled();
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(dialog.getByTestId("import-report")).toContainText("Ready to import");
    await dialog.getByRole("button", { name: "Import" }).click();
    await expect(dialog).toBeHidden();
    await expect(toast).toContainText("Imported 2 configuration items");
    await dismissToast(page);
    await page.getByLabel("Search configuration items").fill(`cache-0`);
    await expect(page.getByTestId("ci-row").filter({ hasText: unique })).toHaveCount(2);
  });

  await test.step("export the filtered list", async () => {
    await page.getByLabel("Search configuration items").fill(unique);
    await expect(page).toHaveURL(new RegExp(`q=${unique}`));
    await expect(page.getByTestId("ci-row")).toHaveCount(3);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync((await file.path())!, "utf8");
    expect(text.split("\n")[0]).toContain("name");
    expect(text).toContain(dbName);
    expect(text).toContain(`cache-02 ${unique}`);
    expect(text.trim().split("\n")).toHaveLength(4);
  });
});

// The same dialog on the applications list, against the applications import: a bad tier is
// named by line and field, the fixed file imports, and the filtered list exports.
test("an administrator imports applications from CSV and exports them", async ({ page }, info) => {
  const unique = `${info.project.name}-${Date.now()}`;
  const toast = page.getByTestId("toast");
  await page.goto("/applications");
  await signIn(page);
  await page.getByRole("button", { name: "Import CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Import applications from CSV" });
  await expect(dialog.getByRole("link", { name: "Download template" })).toHaveAttribute("download", "applications-template.csv");
  const bad = ["name,tier,tags", `Billing ${unique},P2,finance;core`, `Payroll ${unique},P9,`].join("\n");
  await dialog.getByLabel("Or paste the CSV").fill(bad);
  await dialog.getByRole("button", { name: "Check" }).click();
  await expect(dialog.getByTestId("import-errors")).toContainText("Line 3 · tier:");
  await expect(dialog.getByTestId("import-report")).toContainText("2 rows, 1 valid");
  await expect(dialog.getByRole("button", { name: "Import" })).toBeDisabled();
  await expectAccessible(page, "applications import report");
  await screenshot(page, info, "applications-import-error");
  await dialog.getByLabel("Or paste the CSV").fill(bad.replace(",P9,", ",P3,"));
  await dialog.getByRole("button", { name: "Check" }).click();
  await expect(dialog.getByTestId("import-report")).toContainText("Ready to import");
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog).toBeHidden();
  await expect(toast).toContainText("Imported 2 applications");
  await dismissToast(page);

  await page.getByLabel("Search applications").fill(unique);
  await expect(page).toHaveURL(new RegExp(`q=${unique}`));
  await expect(page.getByTestId("application-row")).toHaveCount(2);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^applications.*\.csv$/);
  const text = readFileSync((await file.path())!, "utf8");
  expect(text).toContain(`Billing ${unique}`);
  expect(text).toContain(`Payroll ${unique}`);
  expect(text.trim().split("\n")).toHaveLength(3);
});
