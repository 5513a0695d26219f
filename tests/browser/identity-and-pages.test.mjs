// Page views (first load and single-page-app navigation, campaign capture) and the anonymous
// id's persistence (IndexedDB and the first-party cookie, the cookie winning).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkReady, setUp } from './support/setup.mjs';

let env;
before(async () => { env = await setUp(); });
after(() => env.tearDown());

test('page views are taken on load and on every SPA navigation, with campaign and channel', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html?utm_source=newsletter&utm_medium=email&utm_campaign=autumn'));
  await sdkReady(page);
  const anonymousId = await page.evaluate(() => window.omni.anonymousId());
  await page.evaluate(() => {
    document.title = 'Product 42';  // routers that set the title first get it in the page view
    history.pushState({}, '', '/test/blank.html/product/42');
    window.omni.track('Product Viewed', { product_id: '42' });
  });
  await page.waitForTimeout(50);
  await page.evaluate(() => history.back());
  await page.waitForTimeout(50);
  await page.evaluate(() => history.replaceState({}, '', location.pathname + location.search));  // same URL: no view
  await page.evaluate(() => window.omni.flush());
  const views = await env.collector.waitForEvents(3, { filter: (e) => e.type === 'page' && e.anonymousId === anonymousId });
  assert.equal(views.length, 3, JSON.stringify(views.map((v) => v.properties.path)));
  const [first, product, back] = views;
  assert.equal(first.context.campaign.source, 'newsletter');
  assert.equal(first.context.campaign.name, 'autumn');
  assert.equal(first.context.channel, 'email');
  assert.equal(product.properties.path, '/test/blank.html/product/42');
  assert.equal(product.properties.title, 'Product 42');
  assert.match(product.properties.referrer, /utm_source=newsletter/);
  assert.equal(back.properties.path, '/test/blank.html');
  // The page view is queued before what the new view tracks, and events carry where they happened.
  const stored = (await env.collector.events()).filter((e) => e.anonymousId === anonymousId);
  const viewed = stored.findIndex((e) => e.event === 'Product Viewed');
  assert.equal(stored[viewed - 1].type, 'page');
  assert.equal(stored[viewed - 1].properties.path, '/test/blank.html/product/42');
  assert.match(stored[viewed].context.page.url, /\/product\/42$/);
  assert.equal(stored[viewed].context.campaign, undefined, 'no campaign in this URL');
  await context.close();
});

test('the anonymous id survives reloads, and the cookie wins over local storage', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  const first = await page.evaluate(() => window.omni.anonymousId());
  assert.match(first, /^[0-9a-f-]{36}$/);
  assert.ok((await context.cookies()).some((c) => c.name === 'omni_aid' && c.value === first));

  await page.reload();
  await sdkReady(page);
  assert.equal(await page.evaluate(() => window.omni.anonymousId()), first);

  // Another subdomain of the site set a different id in the shared cookie while no page of this
  // one was open (the collector's answer to this page's last batch renews the cookie too): it wins.
  await page.close({ runBeforeUnload: true });
  await new Promise((r) => setTimeout(r, 500));
  await context.addCookies([{ name: 'omni_aid', value: 'from-other-subdomain', url: env.url('/') }]);
  const again = await context.newPage();
  await again.goto(env.url('/test/blank.html'));
  await sdkReady(again);
  assert.equal(await again.evaluate(() => window.omni.anonymousId()), 'from-other-subdomain');
  await context.close();
});

test('identify and reset change who the events belong to', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  const user = await page.evaluate(async () => {
    await window.omni.identify('cust_1', { email: 'ada@example.com' });
    await window.omni.track('As Customer');
    const known = window.omni.user();
    await window.omni.reset();
    await window.omni.track('After Reset');
    await window.omni.flush();
    return { known, after: window.omni.user() };
  });
  assert.equal(user.known.userId, 'cust_1');
  assert.equal(user.known.traits.email, 'ada@example.com');
  assert.equal(user.after.userId, null);
  assert.notEqual(user.after.anonymousId, user.known.anonymousId);
  const [asCustomer] = await env.collector.waitForEvents(1, { filter: (e) => e.event === 'As Customer' });
  const [afterReset] = await env.collector.waitForEvents(1, { filter: (e) => e.event === 'After Reset' });
  assert.equal(asCustomer.userId, 'cust_1');
  assert.equal(afterReset.userId, undefined);
  assert.equal(afterReset.anonymousId, user.after.anonymousId);
  await context.close();
});

test('a collector on the same site renews the anonymous id cookie with Set-Cookie', async () => {
  // The collector serves the page (127.0.0.1), so its answers may set the site's cookie.
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  const anonymousId = await page.evaluate(() => window.omni.anonymousId());
  // The script-set cookie is gone (as Safari drops it after 7 days); the next batch brings it back.
  await context.clearCookies();
  await page.evaluate(() => window.omni.track('Renew Cookie').then(() => window.omni.flush()));
  await env.collector.waitForEvents(1, { filter: (e) => e.event === 'Renew Cookie' });
  const cookie = (await context.cookies()).find((c) => c.name === 'omni_aid');
  assert.ok(cookie, 'the collector set the cookie');
  assert.equal(cookie.value, anonymousId);
  const days = (cookie.expires * 1000 - Date.now()) / 86400000;
  assert.ok(days > 29 && days <= 30, `expires in ${days} days`);
});
