// A shopper's path through the demo storefront, as a storefront developer ships it: the pasted
// snippet, the SDK loaded asynchronously, every Segment e-commerce event at the collector,
// complete and in order. Run on a desktop and on a phone-sized screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { devices } from './support/browser.mjs';
import { sdkReady, setUp } from './support/setup.mjs';

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

// "page /p/*" for a page view of any product, the event name for a track, else the type.
const label = (e) => (e.type === 'page' ? 'page ' + e.properties.path.replace(/^(\/(?:c|p|order)\/)[^/]+$/, '$1*')
  : e.type === 'track' ? e.event : e.type);

function checkPath(events, orderId) {
  assert.deepEqual(events.map(label), [
    'page /', 'Product List Viewed',
    'page /c/*', 'Product List Viewed',
    'page /p/*', 'Product Viewed', 'Product Added',
    'page /cart', 'Cart Viewed',
    'page /checkout', 'Checkout Started',
    'identify', 'Order Completed',
    'page /order/*',
  ]);
  const find = (name) => events.find((e) => e.event === name);
  const added = find('Product Added');
  const viewed = find('Product Viewed');
  assert.equal(added.properties.product_id, viewed.properties.product_id);
  assert.equal(typeof added.properties.price, 'number');
  assert.equal(find('Cart Viewed').properties.cart_id, added.properties.cart_id);
  const started = find('Checkout Started');
  const completed = find('Order Completed');
  assert.equal(completed.properties.order_id, orderId);
  assert.equal(started.properties.order_id, orderId);
  assert.equal(completed.properties.products.length, 1);
  assert.equal(completed.properties.currency, 'EUR');
  const identify = events.find((e) => e.type === 'identify');
  assert.match(identify.userId, /^cust_/);
  assert.equal(identify.traits.email, 'ada@example.com');
  assert.equal(completed.userId, identify.userId, 'the order belongs to the identified customer');
  // Every event was stamped by the browser, in order.
  const times = events.map((e) => Date.parse(e.originalTimestamp || e.timestamp));
  assert.deepEqual([...times].sort((a, b) => a - b), times);
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
