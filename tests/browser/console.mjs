// The support console in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download): redirected to the login page, a wrong
// password refused, log in, the conversation list, a text search, a transcript
// with product cards, intents and confidences, a customer's script payload shown
// as text, the metrics page with its SVG charts, log out.
// Prints one JSON line with what it saw; exits non-zero on failure.
// Env: CONSOLE_URL (the console, e.g. http://127.0.0.1:8080/console), WIDGET_DIR (where playwright-core is installed), ADMIN_EMAIL, ADMIN_PASSWORD,
//      CARDS_ID, XSS_ID, OTHER_ID (conversations to look for), SEARCH (text that finds CARDS_ID only),
//      TRANSCRIPT_PNG, ESCAPED_PNG, METRICS_PNG, ARTIFACTS.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const require = createRequire(path.join(process.env.WIDGET_DIR, "package.json"));
const { chromium } = require("playwright-core");

const env = process.env;
const CONSOLE = env.CONSOLE_URL;
const profile = mkdtempSync(path.join(tmpdir(), "console-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
context.setDefaultTimeout(30_000);
const page = context.pages()[0] || await context.newPage();
const errors = [];
const dialogs = [];
const external = [];
page.on("pageerror", (error) => errors.push(String(error)));
// Any alert/confirm/prompt means customer text ran as script: record it (the test fails on it).
page.on("dialog", async (dialog) => {
  dialogs.push(`${dialog.type()}: ${dialog.message()}`);
  await dialog.dismiss().catch(() => {});
});
// Product images live on shop.example.com: answer them locally, never over the network,
// and note every such request (the console itself must load nothing from elsewhere).
await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => {
  external.push({ url: route.request().url(), type: route.request().resourceType() });
  return route.fulfill({ status: 404, body: "" });
});

const pathOf = () => new URL(page.url()).pathname;
// Click something that navigates and wait until the new page has loaded.
async function follow(locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
  return response;
}
const texts = (selector) => page.locator(selector).allInnerTexts();

const result = {};
try {
  // 1. Not logged in: the console sends us to its login page.
  const first = await page.goto(CONSOLE + "/", { waitUntil: "load" });
  result.start_path = pathOf();
  result.start_status = first.status();
  result.login_form = await page.locator("form.login input[name=password]").count();

  // 2. A wrong password is refused with a message, and we stay on the login page.
  await page.fill("input[name=email]", env.ADMIN_EMAIL);
  await page.fill("input[name=password]", env.ADMIN_PASSWORD + "-wrong");
  const refused = await follow(page.locator("form.login button[type=submit]"));
  result.wrong_password = { status: refused.status(), path: pathOf(),
                            error: (await texts("p.error")).join(" "),
                            cookies: (await context.cookies()).map((c) => c.name) };

  // 3. Log in.
  await page.fill("input[name=email]", env.ADMIN_EMAIL);
  await page.fill("input[name=password]", env.ADMIN_PASSWORD);
  await follow(page.locator("form.login button[type=submit]"));
  result.after_login_path = pathOf();
  result.header = (await texts("header")).join(" ");
  const session = (await context.cookies()).find((c) => c.name === "console_session");
  result.session_cookie = session ? { httpOnly: session.httpOnly, sameSite: session.sameSite,
                                      path: session.path } : null;

  // 4. The conversation list.
  result.list_count = (await texts("p.count")).join(" ");
  result.list_ids = await texts("table.conversations tbody tr td:first-child");
  result.list_previews = await texts("table.conversations tbody tr td.preview");
  const xssRow = page.locator("table.conversations tbody tr", { hasText: env.XSS_ID });
  result.xss_preview = await xssRow.locator("td.preview").innerText();
  const otherRow = page.locator("table.conversations tbody tr", { hasText: env.OTHER_ID });
  result.other_outcomes = await otherRow.locator("td .badge").allInnerTexts();
  result.cards_outcomes = await page.locator("table.conversations tbody tr", { hasText: env.CARDS_ID })
    .locator("td .badge").allInnerTexts();

  // 5. Search by the customers' words.
  await page.fill(".filters input[name=q]", env.SEARCH);
  await follow(page.locator(".filters button[type=submit]"));
  result.search_url = page.url();
  result.search_count = (await texts("p.count")).join(" ");
  result.search_ids = await texts("table.conversations tbody tr td:first-child");

  // 6. Open the conversation with product cards from the search results.
  await follow(page.locator("table.conversations tbody tr td:first-child a", { hasText: env.CARDS_ID }));
  await page.waitForSelector("section.transcript .msg.bot");
  result.transcript_path = pathOf();
  result.transcript_title = await page.locator("h1").innerText();
  result.transcript = await page.$$eval("section.transcript > div", (nodes) => nodes.map((node) => ({
    kind: node.classList.contains("user") ? "user" : node.classList.contains("bot") ? "bot" : "action",
    failed: node.classList.contains("failed"),
    when: (node.querySelector(".when") || {}).innerText || "",
    text: (node.querySelector(".text") || node).innerText,
    nlu: (node.querySelector(".nlu") || {}).innerText || "",
    intent: (node.querySelector(".nlu b") || {}).innerText || "",
    product_cards: node.querySelectorAll(".card.product").length,
    service_cards: node.querySelectorAll(".card.service").length,
  })));
  result.product_cards = await page.locator("section.transcript .card.product").count();
  result.card_titles = await texts("section.transcript .card.product .title");
  result.card_prices = await texts("section.transcript .card.product .price");
  result.service_cards = await page.locator("section.transcript .card.service").count();
  await page.screenshot({ path: env.TRANSCRIPT_PNG, fullPage: true });

  // 7. The conversation whose customer wrote markup: shown as text, nothing runs.
  await follow(page.locator("header a", { hasText: "Conversations" }));
  await follow(page.locator("table.conversations tbody tr td:first-child a", { hasText: env.XSS_ID }));
  await page.waitForSelector("section.transcript .msg.user");
  result.xss_path = pathOf();
  result.xss_user_texts = await texts("section.transcript .msg.user .text");
  result.xss_elements = await page.evaluate(() => ({
    scripts: document.querySelectorAll("script").length,
    injected_images: document.querySelectorAll("img[src='x'], img[onerror]").length,
    bold_injected: document.querySelectorAll("section.transcript .msg.user .text *").length,
  }));
  await page.waitForTimeout(500);        // give an injected handler the chance to fire
  await page.screenshot({ path: env.ESCAPED_PNG, fullPage: true });

  // 8. The metrics page.
  await follow(page.locator("header a", { hasText: "Metrics" }));
  result.metrics_path = pathOf();
  result.metrics_headings = await texts("main h2");
  result.metrics_svgs = await page.locator("main svg").count();
  result.metrics_bars = await page.$$eval("main svg rect", (rects) => rects.map((rect) => ({
    title: (rect.querySelector("title") || {}).textContent || "", height: Number(rect.getAttribute("height")),
  })));
  result.metrics_svg_size = await page.$$eval("main svg", (svgs) => svgs.map((svg) => {
    const box = svg.getBoundingClientRect();
    return [Math.round(box.width), Math.round(box.height)];
  }));
  result.metrics_table = await page.$$eval("main table tr", (rows) =>
    rows.map((row) => Array.from(row.children, (cell) => cell.innerText.trim())));
  await page.screenshot({ path: env.METRICS_PNG, fullPage: true });

  // 8b. The live queue: the customer who asked for a person waits there; claim,
  //     answer and hand back from the conversation page.
  await follow(page.locator("header a", { hasText: "Live queue" }));
  result.queue_path = pathOf();
  result.queue_ids = await texts("table.queue tbody tr td:first-child");
  await page.screenshot({ path: env.QUEUE_PNG, fullPage: true });
  await follow(page.locator("table.queue tbody tr", { hasText: env.OTHER_ID }).locator("td:first-child a"));
  await follow(page.locator("#handoff button", { hasText: "Claim and answer" }));
  result.claimed_status = (await texts("#handoff p.status")).join(" ");
  await page.locator("#handoff textarea[name=text]").fill(env.AGENT_REPLY);
  await follow(page.locator("#handoff button", { hasText: "Send to customer" }));
  result.agent_messages = await texts("section.transcript .msg.bot.agent .text");
  await page.screenshot({ path: env.HANDOFF_PNG, fullPage: true });
  await follow(page.locator("#handoff button", { hasText: "Hand back to the assistant" }));
  result.after_release_heading = (await texts("#handoff h2")).join(" ");
  result.handoff_events = await texts("section.transcript .handoff-event");

  // 9. Log out: back to the login page; console pages send us there again, even with
  //    the old session cookie put back (the session is closed on the server).
  await follow(page.locator("header form button[type=submit]", { hasText: "Log out" }));
  result.logout_path = pathOf();
  result.cookies_after_logout = (await context.cookies()).map((c) => c.name);
  await page.goto(CONSOLE + "/conversations/" + encodeURIComponent(env.CARDS_ID), { waitUntil: "load" });
  result.after_logout_conversation_path = pathOf();
  if (session) await context.addCookies([session]);
  await page.goto(CONSOLE + "/metrics", { waitUntil: "load" });
  result.old_cookie_metrics_path = pathOf();
  result.old_cookie_metrics_svgs = await page.locator("svg").count();

  result.dialogs = dialogs;
  result.errors = errors;
  result.external = external;
  console.log(JSON.stringify(result));
} catch (error) {
  try {
    await page.screenshot({ path: path.join(env.ARTIFACTS || ".", "console-failure.png"), fullPage: true });
  } catch (_) { /* nothing more to save */ }
  console.error("browser test failed:", error, JSON.stringify(result), errors, dialogs);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
