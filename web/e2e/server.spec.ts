import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { RESULTS_DIR } from "./env";
import { expect, test } from "./fixtures";

test.describe("the binary serves the app", () => {
  test.skip(({ isMobile }) => isMobile, "the same on every viewport");

  test("app routes fall back to index.html; unknown API paths stay problem documents", async ({ request }) => {
    const deep = await request.get("/users/00000000-0000-0000-0000-000000000000");
    expect(deep.status()).toBe(200);
    expect(deep.headers()["content-type"]).toContain("text/html");
    expect(deep.headers()["cache-control"]).toBe("no-cache");

    const api = await request.get("/api/v1/no-such-endpoint");
    expect(api.status()).toBe(404);
    expect(api.headers()["content-type"]).toContain("application/problem+json");
    expect((await api.json()).code).toBe("route_not_found");

    const post = await request.post("/users");
    expect(post.status()).toBe(404);
    expect(post.headers()["content-type"]).toContain("application/problem+json");

    const missingAsset = await request.get("/assets/missing-0000.js");
    expect(missingAsset.status()).toBe(404);

    const manifest = await request.get("/manifest.webmanifest");
    expect(manifest.headers()["content-type"]).toContain("application/manifest+json");
    const icons = (await manifest.json()).icons as { src: string }[];
    for (const icon of icons) expect((await request.get(icon.src)).status(), icon.src).toBe(200);
  });

  test("hashed assets are cached for a year and sent compressed", async ({ page, request }) => {
    await page.goto("/login");
    const src = await page.locator("script[type=module]").first().getAttribute("src");
    expect(src).toMatch(/^\/assets\//);
    const res = await request.get(src!, { headers: { "accept-encoding": "gzip" } });
    expect(res.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers()["content-type"]).toContain("javascript");
    expect(res.headers()["content-encoding"]).toBe("gzip");
  });

  test("first load of the sign-in page is measured", async ({ browser, baseURL }) => {
    // A fresh context: nothing cached. Measured and recorded, never asserted (DESIGN.md).
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const scripts: { url: string; bytes: number; gzip: number }[] = [];
    page.on("response", async (res) => {
      if (res.request().resourceType() !== "script") return;
      const body = await res.body().catch(() => null);
      if (body) scripts.push({ url: new URL(res.url()).pathname, bytes: body.length, gzip: gzipSync(body).length });
    });
    await page.goto("/login", { waitUntil: "load" });
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    const firstPaintMs = await page.evaluate(() => performance.now());
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        responseEndMs: Math.round(n.responseEnd),
        domContentLoadedMs: Math.round(n.domContentLoadedEventEnd),
        loadMs: Math.round(n.loadEventEnd),
        firstContentfulPaintMs: fcp ? Math.round(fcp.startTime) : null,
        transferBytes: n.transferSize,
      };
    });
    const record = {
      url: `${baseURL}/login`,
      measured_at: new Date().toISOString(),
      ...nav,
      signInFormVisibleMs: Math.round(firstPaintMs),
      javascript: {
        files: scripts.length,
        bytes: scripts.reduce((a, s) => a + s.bytes, 0),
        gzipBytes: scripts.reduce((a, s) => a + s.gzip, 0),
      },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, "perf.json"), `${JSON.stringify(record, null, 2)}\n`);
    await context.close();
  });
});
