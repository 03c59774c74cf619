// Weighs a page's first screen as a phone on a slow network pays for it: opens the page in Debian's Chromium (never a
// downloaded browser), waits until the map (if any) is idle, and sums the bytes of every response as sent over the
// wire with Brotli/gzip accepted (headers included), the way a browser over HTTPS receives them.
//   cd tools/screenshots && npm ci && node weigh.mjs [base URL] [path, default /carte#12/47.32/5.04] [width] [height]
// Prints one line per response (largest first) and the total; exits 1 when the total is over BUDGET_KB (default 300).
import { chromium } from "playwright-core";

const base = (process.argv[2] || "http://127.0.0.1:5080").replace(/\/$/, "");
const path = process.argv[3] || "/carte#12/47.32/5.04";
const width = Number(process.argv[4] || 375);
const height = Number(process.argv[5] || 812);
const budget = Number(process.env.BUDGET_KB || 300) * 1024;
const executablePath = process.env.PORTAL_CHROMIUM || "/usr/bin/chromium";

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
try {
  const context = await browser.newContext({ viewport: { width, height }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  // Over plain HTTP Chromium offers gzip only; a deployment is on HTTPS, where it offers Brotli: ask for both.
  await page.setExtraHTTPHeaders({ "Accept-Encoding": "br, gzip" });
  const responses = [];
  page.on("requestfinished", async (request) => {
    const sizes = await request.sizes();
    const response = await request.response();
    responses.push({
      url: request.url().replace(base, ""),
      bytes: sizes.responseBodySize + sizes.responseHeadersSize,
      encoding: (await response?.headerValue("content-encoding")) || "-",
      status: response?.status(),
    });
  });
  await page.goto(base + path, { waitUntil: "load" });
  await page.waitForLoadState("networkidle", { timeout: 30_000 });
  await page.waitForFunction(() => {
    const marked = document.querySelector("[data-map-state]");
    return !marked || marked.dataset.mapState === "idle";
  }, null, { timeout: 30_000 });
  await page.waitForLoadState("networkidle", { timeout: 30_000 });
  await page.waitForTimeout(500);
  responses.sort((a, b) => b.bytes - a.bytes);
  let total = 0;
  for (const r of responses) {
    total += r.bytes;
    console.log(`${(r.bytes / 1024).toFixed(1).padStart(7)} KB  ${String(r.status).padEnd(3)} ${r.encoding.padEnd(4)} ${r.url}`);
  }
  const foreign = responses.filter((r) => /^[a-z]+:\/\//.test(r.url));
  console.log(`${(total / 1024).toFixed(1).padStart(7)} KB  total, ${responses.length} responses, ${width}×${height} ${path} (budget ${budget / 1024} KB)`);
  if (foreign.length) console.log(`${foreign.length} responses from another origin`);
  process.exitCode = total > budget || foreign.length ? 1 : 0;
} finally {
  await browser.close();
}
