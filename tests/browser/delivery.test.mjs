// What a shopper's browser does with the SDK, end to end: real Chromium, the real collector on
// loopback, events read back from its store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkReady, setUp } from './support/setup.mjs';

let env;
before(async () => { env = await setUp(); });
after(() => env.tearDown());

const named = (prefix) => (event) => typeof event.event === 'string' && event.event.startsWith(prefix);

test('calls made before the SDK loaded are kept, in order, with the time they were made', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/early-calls.html'));
  await sdkReady(page);
  const { results, madeAt } = await page.evaluate(async () => ({
    results: await Promise.all(window.earlyCalls), madeAt: window.earlyCallsMadeAt }));
  assert.ok(results.every((r) => r.queued === true && typeof r.messageId === 'string'), JSON.stringify(results));
  await page.evaluate(() => window.omni.flush());
  const events = await env.collector.waitForEvents(5, { filter: named('Early ') });
  assert.deepEqual(events.map((e) => e.event), ['Early 0', 'Early 1', 'Early 2', 'Early 3', 'Early 4']);
  for (const event of events) {
    const madeMs = Date.parse(event.originalTimestamp || event.timestamp);
    assert.ok(madeMs >= madeAt - 5 && madeMs <= madeAt + 1000, `${event.event} made at ${madeMs}, page at ${madeAt}`);
  }
  const identify = await env.collector.waitForEvents(1, { filter: (e) => e.type === 'identify' && e.userId === 'user-early' });
  assert.equal(identify.length, 1);
  assert.equal(identify[0].traits.plan, 'pro');
  await context.close();
});

test('events tracked offline are delivered once the browser is back online', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  await context.setOffline(true);
  const results = await page.evaluate(() => Promise.all(
    Array.from({ length: 20 }, (_, i) => window.omni.track('Offline ' + i))));
  assert.equal(results.filter((r) => r.queued).length, 20);
  await page.evaluate(() => window.omni.flush());
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await env.collector.events()).filter(named('Offline ')).length, 0, 'nothing arrives while offline');
  await context.setOffline(false);
  await page.evaluate(() => window.omni.flush());
  const events = await env.collector.waitForEvents(20, { filter: named('Offline '), timeoutMs: 20000 });
  assert.deepEqual(events.map((e) => e.event), Array.from({ length: 20 }, (_, i) => 'Offline ' + i));
  await context.close();
});

async function burstThenClose(context, prefix) {
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  await page.evaluate((name) => {
    for (let i = 0; i < 100; i++) window.omni.track(name + i, { i, padding: 'x'.repeat(200) });
  }, prefix);
  await new Promise((r) => setTimeout(r, 50));
  await page.close({ runBeforeUnload: true });
}

async function storedExactlyOnce(prefix) {
  await env.collector.waitForEvents(100, { filter: named(prefix), timeoutMs: 20000 });
  await new Promise((r) => setTimeout(r, 1500));  // anything sent twice would be stored by now
  const stored = (await env.collector.events()).filter(named(prefix));
  assert.equal(stored.length, 100, `stored ${stored.length} of 100`);
  assert.equal(new Set(stored.map((e) => e.messageId)).size, 100);
  assert.equal(new Set(stored.map((e) => e.properties.i)).size, 100);
}

test('closing the tab 50 ms after 100 events and coming back stores all 100 exactly once', async () => {
  const context = await env.browser.newContext();
  await burstThenClose(context, 'Closed ');
  const again = await context.newPage();
  await again.goto(env.url('/test/blank.html'));
  await sdkReady(again);
  await storedExactlyOnce('Closed ');
  await context.close();
});

test('acknowledged events a closed tab could not send are delivered exactly once by the next visit', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  // This tab's network is gone: the events are acknowledged (committed to storage) but cannot
  // leave, not even on the way out.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions',
    { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const results = await page.evaluate(() => Promise.all(
    Array.from({ length: 100 }, (_, i) => window.omni.track('Stranded ' + i, { i }))));
  assert.equal(results.filter((r) => r.queued).length, 100);
  await page.close({ runBeforeUnload: true });
  assert.equal((await env.collector.events()).filter(named('Stranded ')).length, 0);
  const again = await context.newPage();
  await again.goto(env.url('/test/blank.html'));
  await sdkReady(again);
  await storedExactlyOnce('Stranded ');
  await context.close();
});

test('with storage disabled the SDK still delivers, and says it is degraded', async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    // What a webview with DOM storage turned off looks like to a page.
    Object.defineProperty(window, 'indexedDB', { value: undefined });
    Object.defineProperty(window, 'localStorage', {
      get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
  });
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  // Storage opens in the background: status() says 'none' until it has settled.
  await page.waitForFunction(() => window.omni.status().storage !== 'none');
  const status = await page.evaluate(() => window.omni.status());
  assert.equal(status.storage, 'memory');
  assert.ok(status.degraded.includes('storage:memory'), JSON.stringify(status));
  await page.evaluate(() => window.omni.track('No Storage').then(() => window.omni.flush()));
  const events = await env.collector.waitForEvents(1, { filter: named('No Storage') });
  assert.equal(events.length, 1);
  await context.close();
});

test('a Content-Security-Policy without wasm-unsafe-eval still delivers through the pure-JS path', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/csp.html'));
  await sdkReady(page);
  const status = await page.evaluate(() => window.omni.status());
  assert.equal(status.core, 'lite');
  assert.ok(status.degraded.includes('core:lite'));
  const result = await page.evaluate(() => window.omni.track('Under CSP', { ok: true }));
  assert.equal(result.queued, true);
  await page.evaluate(() => window.omni.flush());
  const events = await env.collector.waitForEvents(1, { filter: named('Under CSP') });
  assert.equal(events.length, 1);
  assert.equal(events[0].properties.ok, true);
  await context.close();
});

test('an invalid call rejects with an OmniError naming the problem', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  const error = await page.evaluate(() => window.omni.track('').then(
    () => null, (e) => ({ name: e.name, code: e.code, message: e.message })));
  assert.equal(error.name, 'OmniError');
  assert.equal(error.code, 'invalid_event');
  assert.match(error.message, /event/);
  const tooBig = await page.evaluate(() => window.omni.track('Big', { blob: 'x'.repeat(40000) }).then(
    () => null, (e) => e.code));
  assert.equal(tooBig, 'event_too_large');
  await context.close();
});

test('a shop on another origin than the collector loads the SDK and its wasm (CORS)', async () => {
  // The page is served as http://localhost:<port>, the snippet names http://127.0.0.1:<port>.
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html').replace('127.0.0.1', 'localhost'));
  await sdkReady(page);
  assert.equal(await page.evaluate(() => location.hostname), 'localhost');
  assert.equal((await page.evaluate(() => window.omni.status())).core, 'wasm');
  await page.evaluate(() => window.omni.track('Cross Origin').then(() => window.omni.flush()));
  const events = await env.collector.waitForEvents(1, { filter: named('Cross Origin') });
  assert.equal(events.length, 1);
  await context.close();
});
