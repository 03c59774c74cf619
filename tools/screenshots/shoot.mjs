// Retakes the README's screenshots from a running portal, with Debian's Chromium (never a downloaded browser):
//   cd tools/screenshots && npm ci && node shoot.mjs [base URL, default http://127.0.0.1:5080]
// Writes docs/screenshots/*.png, then shrinks them with pngquant and optipng when they are installed
// (Debian: apt-get install pngquant optipng). PORTAL_CHROMIUM names another Chromium.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const base = (process.argv[2] || "http://127.0.0.1:5080").replace(/\/$/, "");
const output = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots");
const executablePath = process.env.PORTAL_CHROMIUM || "/usr/bin/chromium";

/** The map has drawn everything it asked for: MapLibre's own "idle" (style, tiles, glyphs loaded; no transition). */
async function mapIdle(page) {
  await page.waitForSelector(".maplibregl-canvas", { timeout: 30_000 });
  await page.waitForFunction(() => {
    const canvas = document.querySelector(".maplibregl-canvas");
    return canvas && canvas.width > 0;
  });
  // The page's map object is not global: wait until no tile request is pending, then for two quiet animation frames.
  await page.waitForLoadState("networkidle", { timeout: 30_000 });
  // The list beside the map follows the view: wait until it has caught up too.
  await page.waitForFunction(() => !document.querySelector("[data-list-state='loading']"), null, { timeout: 30_000 });
  // A map that marks its own idle state (map.js: data-map-state="idle" on "idle" events) is waited for as well.
  await page.waitForFunction(() => {
    const marked = document.querySelector("[data-map-state]");
    return !marked || marked.dataset.mapState === "idle";
  }, null, { timeout: 30_000 });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForTimeout(500);
}

/** The listing to show: the first result of « muséum » in the directory, else its first result. */
async function aListing(page) {
  for (const query of ["/acteurs?q=mus%C3%A9um", "/acteurs"]) {
    await page.goto(base + query);
    const href = await page.locator("main a[href^='/acteurs/']").evaluateAll((links) =>
      links.map((a) => a.getAttribute("href")).find((h) => /^\/acteurs\/\d+-/.test(h)));
    if (href) return href;
  }
  throw new Error("No listing found: is the inventory empty?");
}

const shots = [
  { name: "accueil", width: 1440, height: 1000, path: "/" },
  { name: "carte-dijon", width: 1440, height: 900, path: "/carte#12/47.32/5.04", map: true },
  { name: "fiche", width: 1440, height: 1000, path: null },
  { name: "carte-375", width: 375, height: 812, path: "/carte", map: true },
];

mkdirSync(output, { recursive: true });
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
try {
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: { width: shot.width, height: shot.height },
      locale: "fr-FR",
      timezoneId: "Europe/Paris",
      reducedMotion: "reduce",
    });
    const page = await context.newPage();
    const path = shot.path ?? (await aListing(page));
    await page.goto(base + path, { waitUntil: "load" });
    if (shot.map) {
      await mapIdle(page);
    }

    const file = join(output, `${shot.name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`${file}  ←  ${base}${path}  (${shot.width}×${shot.height})`);
    await context.close();
  }
} finally {
  await browser.close();
}

// Smaller files for the repository: 256 colours (pngquant), then lossless recompression (optipng).
for (const [tool, args] of [["pngquant", ["--force", "--skip-if-larger", "--ext", ".png", "--quality", "70-95"]], ["optipng", ["-quiet", "-o2"]]]) {
  try {
    execFileSync(tool, [...args, ...shots.map((s) => join(output, `${s.name}.png`))], { stdio: "inherit" });
  } catch (error) {
    if (error.code === "ENOENT") console.log(`${tool} not installed: PNGs left as taken.`);
    else if (tool !== "pngquant" || error.status !== 98 && error.status !== 99) throw error;
  }
}
