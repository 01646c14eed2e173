// The dashboard flow in a real headless Chromium (Debian's, driven by
// playwright-core from target/browser-node; see scripts/chromium.sh).
// Run by crates/cli/tests/dashboard.rs, which starts the server, seeds the
// incident and asserts on what this prints: one JSON object of what the
// pages showed. This script only acts, waits and reads.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (k) => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is not set`);
  return v;
};
const base = env("BW_BASE_URL");
const incident = env("BW_INCIDENT");
const shots = env("BW_SHOTS");
const require = createRequire(join(env("BW_PLAYWRIGHT_DIR"), "package.json"));
const { chromium } = require("playwright-core");

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const out = { axe: {} };
// axe-core's rules, evaluated through the DevTools protocol (not a page
// script, so the pages' CSP stays as served).
const axeSource = readFileSync(join(env("BW_PLAYWRIGHT_DIR"), "node_modules/axe-core/axe.min.js"), "utf8");

async function browser() {
  const dir = mkdtempSync(join(tmpdir(), "bw-chromium-"));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: env("BW_CHROMIUM"),
    headless: true,
    args: ARGS,
    viewport: DESKTOP,
  });
  ctx.setDefaultTimeout(30_000);
  return { ctx, close: async () => { await ctx.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function signIn(page, user, password, path) {
  // A page behind the gate answers 401 and sends the browser to the form.
  const res = await page.goto(base + path);
  out[`${user}_first_status`] = res.status();
  await page.waitForURL(/\/login\?next=/);
  if (user === env("BW_ADMIN_USER")) await audit(page, "login");
  await page.fill("#username", user);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(base + path), page.click("button[type=submit]")]);
}

async function bars(page, id) {
  return page.$$eval(`#${id} g.bar`, (gs) => gs.map((g) => [g.dataset.label, Number(g.dataset.count)]));
}

async function obligations(page) {
  return page.$$eval("#obligations tbody tr", (rows) =>
    rows.map((r) => {
      const cell = (c) => r.querySelector(`[data-col=${c}]`);
      const due = (c) => cell(c)?.querySelector("[data-urgency]");
      return {
        code: r.dataset.code,
        residents: Number(cell("residents").textContent),
        owed: Number(cell("owed").textContent),
        individual: cell("individual").textContent.trim(),
        individual_urgency: due("individual-deadline")?.dataset.urgency ?? null,
        regulator_urgency: due("regulator-deadline")?.dataset.urgency ?? null,
        regulator_left: due("regulator-deadline")?.querySelector("strong")?.textContent ?? null,
      };
    }));
}

async function progress(page) {
  return page.$$eval("#progress tbody tr", (rows) =>
    rows.map((r) => ({ code: r.dataset.code, sent: Number(r.dataset.sent), total: Number(r.dataset.total) })));
}

// WCAG 2.1 A and AA violations on the page as it stands (labels, names,
// contrast, landmarks, keyboard focus order…): id, impact, nodes.
async function audit(page, name) {
  await page.evaluate(axeSource);
  out.axe[name] = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
}

async function shot(page, name, full = false) {
  await page.screenshot({ path: join(shots, name), fullPage: full });
}

// ---- admin -----------------------------------------------------------
{
  const { ctx, close } = await browser();
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await signIn(page, env("BW_ADMIN_USER"), env("BW_ADMIN_PASSWORD"), `/incidents/${incident}`);
  out.admin_title = (await page.textContent("h1")).trim();
  out.admin_jurisdiction_chart = await bars(page, "chart-jurisdiction");
  out.admin_fields_chart = await bars(page, "chart-fields");
  out.admin_obligations = await obligations(page);
  out.admin_send_buttons = await page.locator("#send-button").count();
  // Keyboard: the first Tab lands on the skip link, and focus is drawn.
  await page.keyboard.press("Tab");
  out.first_focus = await page.evaluate(() => document.activeElement?.textContent?.trim());
  out.first_focus_outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  await page.keyboard.press("Escape");
  await page.evaluate(() => document.activeElement?.blur());
  await shot(page, "incident-admin-1280x800.png");
  await shot(page, "incident-admin-1280-full.png", true);
  await audit(page, "incident_admin");

  // Send the planned notices and watch the job end.
  await page.click("#send-button");
  await page.waitForFunction(
    () => /send job (succeeded|failed|cancelled|interrupted)/.test(document.getElementById("act-status")?.textContent ?? ""),
    null, { timeout: 120_000 });
  out.send_status = (await page.textContent("#act-status")).trim();
  await page.waitForSelector("#progress tbody tr");
  out.progress = await progress(page);
  out.notice_totals = (await page.textContent("#notice-totals")).trim();
  out.send_job_state = await page.getAttribute("#send-job", "data-state");
  await page.locator("#prog-h").scrollIntoViewIfNeeded();
  await shot(page, "incident-admin-after-send-1280x800.png");
  out.admin_html = await page.content();
  await audit(page, "incident_admin_after_send");

  await page.setViewportSize(PHONE);
  await page.goto(`${base}/incidents/${incident}`);
  out.phone_scroll_width = await page.evaluate(() => document.documentElement.scrollWidth);
  await shot(page, "incident-admin-phone-390.png");
  await shot(page, "incident-admin-phone-390-full.png", true);
  await audit(page, "incident_admin_phone");
  await page.setViewportSize(DESKTOP);

  // A scan from the scans page: live progress, then redacted findings.
  await page.goto(`${base}/scans`);
  await audit(page, "scans");
  await page.fill("#scan-path", env("BW_LEAK_DIR"));
  await Promise.all([page.waitForURL(/\/scans\/[^/]+$/), page.click("text=Start scan")]);
  // The job lives in the store, not the page: a reload picks it up. A small
  // scan can end first, and then the page reloads itself to show the
  // findings; our reload is aborted by that one, which shows the same page.
  await page.reload().catch((e) => {
    if (!/ERR_ABORTED|frame was detached/.test(String(e))) throw e;
  });
  // A page rendered after the job ended has no poller, so it will not
  // reload itself under the reads below.
  await page.waitForSelector("#job:not([data-poll])", { timeout: 120_000 });
  await page.waitForSelector("#findings tbody tr");
  out.scan_state = (await page.textContent("[data-field=state]")).trim();
  out.scan_excerpts = await page.$$eval("#findings tbody tr td:nth-child(5)", (tds) => tds.map((t) => t.textContent));
  out.scan_html = await page.content();
  await shot(page, "scan-admin-1280x800.png");
  await audit(page, "scan");

  await page.goto(`${base}/audit`);
  out.system_verify = (await page.textContent("#system-verify")).trim();
  out.chain_ok = await page.getAttribute(`#chains tr[data-id="${incident}"]`, "data-ok");
  out.audit_html = await page.content();
  await shot(page, "audit-admin-1280x800.png");
  await audit(page, "audit");

  await Promise.all([page.waitForURL(/\/login$/), page.click("text=Sign out")]);
  const after = await page.goto(`${base}/incidents`);
  out.after_logout_status = after.status();
  await close();
}

// ---- viewer ----------------------------------------------------------
{
  const { ctx, close } = await browser();
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await signIn(page, env("BW_VIEWER_USER"), env("BW_VIEWER_PASSWORD"), `/incidents/${incident}`);
  out.viewer_role = await page.getAttribute(".role", "data-role");
  out.viewer_jurisdiction_chart = await bars(page, "chart-jurisdiction");
  out.viewer_obligations = await obligations(page);
  out.viewer_send_buttons =
    (await page.locator("#send-button, #send-form").count()) +
    (await page.getByRole("button", { name: /send/i }).count());
  out.viewer_progress = await progress(page);
  out.viewer_html = await page.content();
  await shot(page, "incident-viewer-1280x800.png");
  await audit(page, "incident_viewer");
  // Forged sends from the viewer's own page: with its CSRF token, and without.
  out.viewer_forged = await page.evaluate(async (id) => {
    const csrf = document.querySelector("input[name=csrf_token]")?.value ?? "";
    const post = (headers) => fetch(`/api/incidents/${id}/notices/send`, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", ...headers }, body: "{}",
    }).then((r) => r.status);
    return { with_csrf: await post({ "X-CSRF-Token": csrf }), without_csrf: await post({}) };
  }, incident);
  await page.setViewportSize(PHONE);
  await shot(page, "incident-viewer-phone-390.png");
  await close();
}

process.stdout.write(JSON.stringify(out) + "\n");
