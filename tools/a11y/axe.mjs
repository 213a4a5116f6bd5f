// Accessibility audit of a folder of HTML pages: axe-core in headless Chromium.
//
//   node tools/a11y/axe.mjs HTML_DIR CHROMIUM [PAGE ...]
//
// Serves HTML_DIR on 127.0.0.1 (like a web server would; no other network), opens every
// *.html page (or the given relative paths) in a desktop and a phone-sized window (tables that
// fit on one may scroll on the other) and prints one JSON object on stdout:
// {"axe": version, "browser": version, "pages": {page: {viewport: [violation, ...]}}}, each
// violation as axe reports it (id, impact, help, helpUrl, nodes with target, html, failureSummary).
// Called by tests/a11y.py (audit()); the pinned versions are in package-lock.json.

import { createServer } from "node:http";
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const AXE = require.resolve("axe-core/axe.min.js");

const VIEWPORTS = { "1280x900": { width: 1280, height: 900 }, "390x844": { width: 390, height: 844 } };

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
  ".woff2": "font/woff2", ".woff": "font/woff", ".csv": "text/csv", ".pdf": "application/pdf",
};

async function htmlPages(root, dir = "") {
  const found = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...await htmlPages(root, rel));
    else if (entry.name.endsWith(".html")) found.push(rel);
  }
  return found.sort();
}

function serve(root) {
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(root, path.normalize(rel).replace(/^([/\\]|\.\.)+/, ""));
    try {
      const body = await readFile(file.endsWith(path.sep) ? path.join(file, "index.html") : file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function main() {
  const [root, executable, ...only] = process.argv.slice(2);
  if (!root || !executable) throw new Error("usage: node axe.mjs HTML_DIR CHROMIUM [PAGE ...]");
  const pages = only.length ? only : await htmlPages(root);
  const server = await serve(path.resolve(root));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: executable,
    chromiumSandbox: false, // CI runs as root
    args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  const result = { axe: null, browser: browser.version(), pages: {} };
  try {
    const context = await browser.newContext({ locale: "de-DE" });
    // Only the served book: a page that needs the internet is itself a finding elsewhere.
    await context.route((url) => !url.href.startsWith(base), (route) => route.abort());
    const page = await context.newPage();
    for (const name of pages) {
      result.pages[name] = {};
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(viewport);
        const response = await page.goto(base + name.split("/").map(encodeURIComponent).join("/"),
                                         { waitUntil: "load" });
        if (!response || !response.ok()) throw new Error(`${name}: HTTP ${response && response.status()}`);
        await page.addScriptTag({ path: AXE });
        const report = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ["violations"] });
          return { version: r.testEngine.version, violations: r.violations };
        });
        result.axe = report.version;
        result.pages[name][size] = report.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, impact: n.impact,
                                       failureSummary: n.failureSummary })),
        }));
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(2);
});
