// The demo shop in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download): ask for a product, see cards, add one
// to the cart, see the service offer, reload and still see the conversation.
// Prints one JSON line with what it saw; exits non-zero on failure.
// Env: WEB_URL, WIDGET_DIR (where playwright-core is installed), SCREENSHOT, ARTIFACTS.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const require = createRequire(path.join(process.env.WIDGET_DIR, "package.json"));
const { chromium } = require("playwright-core");

const WEB_URL = process.env.WEB_URL;
const TURN = 120_000;
const profile = mkdtempSync(path.join(tmpdir(), "widget-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = context.pages()[0] || await context.newPage();
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
// The demo catalog's images live on shop.example.com: answer them locally, never over the network.
await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.fulfill({ status: 404, body: "" }));

const result = {};
try {
  await page.goto(WEB_URL + "/", { waitUntil: "load" });
  await page.waitForSelector(".tile", { timeout: 30_000 });
  const launcher = await page.waitForSelector(".rw-launcher", { timeout: 60_000 });
  await launcher.click();
  const input = await page.waitForSelector(".rw-new-message", { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector(".rw-new-message").disabled, null, { timeout: 60_000 });
  // The greeting (before the customer writes, any text in the conversation is the bot's).
  await page.waitForFunction(() => /\w{3,}/.test((document.querySelector(".rw-messages-container") || {}).innerText || ""),
                             null, { timeout: TURN });
  await input.fill("waterproof hiking boots under 120");
  await input.press("Enter");
  await page.waitForSelector(".sa-card", { timeout: TURN });
  result.cards = await page.locator(".sa-card").count();
  result.first_card = await page.locator(".sa-card .sa-card-title").first().innerText();

  await page.locator(".sa-card .sa-primary").first().click();
  await page.waitForSelector(".sa-service", { timeout: TURN });
  result.services = await page.locator(".sa-service").count();
  await page.waitForTimeout(3000);      // let the turn's last messages arrive and be stored

  await page.reload({ waitUntil: "load" });
  await page.waitForSelector(".rw-launcher", { timeout: 60_000 });
  await page.waitForFunction(() => window.ShopAssistant && window.ShopAssistant.ready, null, { timeout: 60_000 });
  await page.waitForTimeout(1000);
  result.stored = await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem("chat_session") || "{}");
    return { messages: (stored.conversation || []).length, open: stored.params && stored.params.isChatOpen };
  });
  if (!(await page.locator(".rw-conversation-container").count())) await page.click(".rw-launcher");
  await page.waitForSelector(".sa-service", { timeout: 60_000 });
  result.cards_after_reload = await page.locator(".sa-card").count();
  result.services_after_reload = await page.locator(".sa-service").count();
  result.text_after_reload = await page.locator(".rw-messages-container").innerText();
  await page.locator(".sa-services").last().scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: false });

  // A question from the page itself (the demo tiles' "Ask the assistant").
  const before = await page.locator(".rw-response").count();
  await page.locator(".tile-ask").nth(1).click();
  const question = await page.locator(".tile-ask").nth(1).getAttribute("data-question");
  await page.waitForFunction(([text, count]) =>
      document.querySelector(".rw-messages-container").innerText.includes(text)
      && document.querySelectorAll(".rw-response").length > count, [question, before], { timeout: TURN });
  result.asked_from_page = question;
  result.errors = errors;
  console.log(JSON.stringify(result));
} catch (error) {
  try {
    await page.screenshot({ path: path.join(process.env.ARTIFACTS || ".", "widget-failure.png") });
  } catch (_) { /* nothing more to save */ }
  console.error("browser test failed:", error, JSON.stringify(result), errors);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
