// A shopper's path through the demo storefront, as a storefront developer ships it: the pasted
// snippet, the SDK loaded asynchronously, every Segment e-commerce event at the collector,
// complete and in order. Run on a desktop and on a phone-sized screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { devices } from './support/browser.mjs';
import { sdkReady, setUp } from './support/setup.mjs';
import { checkPath } from './support/storefront-path.mjs';

let env;
before(async () => { env = await setUp(); });
after(() => env.tearDown());

const view = (page, name) => page.waitForSelector(`body[data-view="${name}"]`);

async function shop(page, base = '') {
  await page.goto(env.url(base + '/'));
  await view(page, 'home');
  await sdkReady(page);
  await page.click('[data-test="category-link"]');
  await view(page, 'category');
  await page.click('[data-test="product-link"]');
  await view(page, 'product');
  const variant = await page.$('[data-test="variant"]');
  if (variant) await variant.click();
  await page.click('[data-test="add-to-cart"]');
  await page.waitForFunction(() => document.querySelector('[data-test="cart-count"]').textContent.trim() === '1');
  await page.click('[data-test="cart-link"]');
  await view(page, 'cart');
  await page.click('[data-test="checkout-button"]');
  await view(page, 'checkout');
  await page.fill('[data-test="email"]', 'ada@example.com');
  await page.fill('[data-test="name"]', 'Ada Lovelace');
  await page.fill('[data-test="address"]', '12 Analytical Row, London');
  await page.click('[data-test="place-order"]');
  await view(page, 'order');
  const orderId = (await page.textContent('[data-test="order-id"]')).trim();
  await page.evaluate(() => window.omni.flush());
  return { orderId, anonymousId: await page.evaluate(() => window.omni.anonymousId()) };
}

async function storedFor(anonymousId) {
  const done = (e) => e.anonymousId === anonymousId && e.event === 'Order Completed';
  await env.collector.waitForEvents(1, { filter: done, timeoutMs: 20000 });
  await new Promise((r) => setTimeout(r, 500));  // the order page's view follows the order
  return (await env.collector.events()).filter((e) => e.anonymousId === anonymousId);
}

test("a shopper's path through the storefront arrives complete and in order", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const { orderId, anonymousId } = await shop(page);
  checkPath(await storedFor(anonymousId), orderId);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the same path in the webview shop on a phone, with the app's ids handed over", async () => {
  const context = await env.browser.newContext({ ...devices['iPhone 13'] });
  await context.addInitScript(() => {
    window.omniNativeHandover = { anonymousId: 'ios-app-anon-1', expiresAt: Date.now() + 60000 };
  });
  const page = await context.newPage();
  const { orderId, anonymousId } = await shop(page, '/webview');
  assert.equal(anonymousId, 'ios-app-anon-1');
  const events = await storedFor(anonymousId);
  assert.deepEqual(events.filter((e) => e.type === 'page').map((e) => e.properties.path.split('/')[1]),
    ['webview', 'webview', 'webview', 'webview', 'webview', 'webview']);
  assert.match(events[0].context.userAgent, /iPhone/);
  await context.close();
});
