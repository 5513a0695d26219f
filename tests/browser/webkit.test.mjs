// The main delivery tests again in WebKit, Safari's engine: Debian's WebKitGTK MiniBrowser driven
// through WebKitWebDriver on a private Xvfb display, against the real collector on loopback. Same
// assertions as the Chromium twins in storefront.test.mjs and delivery.test.mjs. WebDriver has no
// network switch, so "offline" is the collector really gone: halted, then restarted on the same
// port with the same database. Each test gets a fresh browser (its storage starts empty), as each
// Chromium test gets a fresh context. Skips only where WebKitWebDriver is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './support/setup.mjs';
import { checkPath } from './support/storefront-path.mjs';
import { launchWebKit, webkitUnavailable } from './support/webdriver.mjs';

const skip = webkitUnavailable() || false;
let env;
before(async () => {
  if (!skip) env = await setUp({ launch: launchWebKit });
});
after(() => env?.tearDown());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const named = (prefix) => (event) => typeof event.event === 'string' && event.event.startsWith(prefix);

// Runs `body` with a fresh browser, deleted afterwards whatever happens.
async function withBrowser(body) {
  const session = await env.browser.newSession();
  try {
    return await body(session);
  } finally {
    await session.delete();
  }
}

// Waits until window.omni is the SDK (not the snippet's stub) and has started.
async function sdkReady(session) {
  await session.waitFor(() => window.omni && !Array.isArray(window.omni), { what: 'the SDK to load' });
  await session.evaluate(() => window.omni.ready().then(() => true));
}

// ----- a shopper's path (storefront.test.mjs) -----

const view = (session, name) => session.waitFor((wanted) => document.body.dataset.view === wanted,
  { args: [name], what: `the ${name} view` });
const testId = (name) => `[data-test="${name}"]`;

async function shop(session) {
  await session.navigate(env.url('/'));
  await view(session, 'home');
  await sdkReady(session);
  // The storefront is one document from here on: errors thrown in it are collected.
  await session.evaluate(() => {
    window.pageErrors = [];
    addEventListener('error', (event) => window.pageErrors.push(String(event.message)));
    addEventListener('unhandledrejection', (event) => window.pageErrors.push(String(event.reason)));
  });
  await session.click(testId('category-link'));
  await view(session, 'category');
  await session.click(testId('product-link'));
  await view(session, 'product');
  if (await session.evaluate((css) => !!document.querySelector(css), testId('variant'))) await session.click(testId('variant'));
  await session.click(testId('add-to-cart'));
  await session.waitFor(() => document.querySelector('[data-test="cart-count"]').textContent.trim() === '1',
    { what: 'the cart count to be 1' });
  await session.click(testId('cart-link'));
  await view(session, 'cart');
  await session.click(testId('checkout-button'));
  await view(session, 'checkout');
  await session.type(testId('email'), 'ada@example.com');
  await session.type(testId('name'), 'Ada Lovelace');
  await session.type(testId('address'), '12 Analytical Row, London');
  await session.click(testId('place-order'));
  await view(session, 'order');
  const orderId = (await session.evaluate(() => document.querySelector('[data-test="order-id"]').textContent)).trim();
  await session.evaluate(() => window.omni.flush().then(() => true));
  return { orderId, anonymousId: await session.evaluate(() => window.omni.anonymousId()) };
}

async function storedFor(anonymousId) {
  const done = (e) => e.anonymousId === anonymousId && e.event === 'Order Completed';
  await env.collector.waitForEvents(1, { filter: done, timeoutMs: 20000 });
  await sleep(500);  // the order page's view follows the order
  return (await env.collector.events()).filter((e) => e.anonymousId === anonymousId);
}

test("WebKit: a shopper's path through the storefront arrives complete and in order", { skip }, async () => {
  await withBrowser(async (session) => {
    await session.setWindowRect({ width: 1280, height: 800 });
    const { orderId, anonymousId } = await shop(session);
    // The full SDK runs in WebKit: the wasm core and IndexedDB, nothing degraded.
    const status = await session.evaluate(() => window.omni.status());
    assert.equal(status.core, 'wasm');
    assert.equal(status.storage, 'indexeddb');
    assert.deepEqual(status.degraded, []);
    assert.deepEqual(await session.evaluate(() => window.pageErrors), []);
    const events = await storedFor(anonymousId);
    checkPath(events, orderId);
    assert.match(events[0].context.userAgent, /AppleWebKit\/.* Safari\//);
    assert.doesNotMatch(events[0].context.userAgent, /Chrome/);
  });
});

// ----- delivery (delivery.test.mjs) -----

test('WebKit: events tracked while the collector is unreachable are delivered once it is back', { skip }, async () => {
  await withBrowser(async (session) => {
    await session.navigate(env.url('/test/blank.html'));
    await sdkReady(session);
    await env.collector.halt();
    try {
      // Each promise resolves once its event is durably queued, collector or not.
      const results = await session.evaluate(() => Promise.all(
        Array.from({ length: 20 }, (_, i) => window.omni.track('Offline ' + i))));
      assert.equal(results.filter((r) => r.queued).length, 20);
      await session.evaluate(() => { window.omni.flush(); });
      await sleep(300);  // the flush meets a refused connection
    } finally {
      await env.collector.restart();
    }
    await session.evaluate(() => { window.omni.flush(); });
    const events = await env.collector.waitForEvents(20, { filter: named('Offline '), timeoutMs: 20000 });
    assert.deepEqual(events.map((e) => e.event), Array.from({ length: 20 }, (_, i) => 'Offline ' + i));
    await sleep(1000);  // anything sent twice would be stored by now
    const stored = (await env.collector.events()).filter(named('Offline '));
    assert.equal(new Set(stored.map((e) => e.messageId)).size, 20);
    assert.equal(stored.length, 20, `stored ${stored.length} for 20 events`);
  });
});

test('WebKit: a tab closed 50 ms after 100 events loses none; the next visit delivers the rest once', { skip }, async (t) => {
  await withBrowser(async (session) => {
    // Closing the session's last window would end it: keep the first one open, blank.
    const anchor = await session.windowHandle();
    const open = async () => {
      await session.switchToWindow(await session.newWindow());
      await session.navigate(env.url('/test/blank.html'));
      await sdkReady(session);
    };
    await open();
    await session.evaluate(() => {
      for (let i = 0; i < 100; i++) window.omni.track('Closed ' + i, { i, padding: 'x'.repeat(200) });
    });
    await sleep(50);
    await session.closeWindow();
    await session.switchToWindow(anchor);
    await sleep(1000);
    const onTheWayOut = (await env.collector.events()).filter(named('Closed ')).length;
    t.diagnostic(`WebKit delivered ${onTheWayOut} of 100 events as the tab closed`);
    // The same browser (same storage) opens the page again: it delivers whatever the closed tab
    // left in its queue.
    await open();
    await env.collector.waitForEvents(100, { filter: named('Closed '), timeoutMs: 20000 });
    await sleep(1500);  // anything sent twice would be stored by now
    const stored = (await env.collector.events()).filter(named('Closed '));
    assert.equal(stored.length, 100, `stored ${stored.length} of 100`);
    assert.equal(new Set(stored.map((e) => e.messageId)).size, 100);
    assert.equal(new Set(stored.map((e) => e.properties.i)).size, 100);
  });
});
