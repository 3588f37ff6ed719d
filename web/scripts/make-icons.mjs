// Renders public/icons/icon.svg into the PNG icons the manifest and iOS need.
// Run once after changing the SVG: node scripts/make-icons.mjs (needs /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

const svg = readFileSync(new URL("../public/icons/icon.svg", import.meta.url), "utf8");
const out = (name) => new URL(`../public/icons/${name}`, import.meta.url).pathname;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const jobs = [
  ["icon-192.png", 192, false],
  ["icon-512.png", 512, false],
  ["apple-touch-icon.png", 180, true],
  ["icon-maskable-512.png", 512, true],
];
for (const [name, size, fullBleed] of jobs) {
  // A maskable icon keeps its drawing inside the central 80% and fills the rest.
  const inner = fullBleed ? Math.round(size * 0.8) : size;
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<body style="margin:0;background:${fullBleed ? "#c2410c" : "transparent"};display:grid;place-items:center;width:${size}px;height:${size}px">` +
      `<div style="width:${inner}px;height:${inner}px">${svg.replace("<svg ", `<svg width="${inner}" height="${inner}" `)}</div></body>`,
  );
  await page.screenshot({ path: out(name), omitBackground: !fullBleed });
  console.log(`wrote public/icons/${name}`);
}
await browser.close();
