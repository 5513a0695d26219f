// What a storefront developer configures: middleware, hash-router page views, the debug log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkReady, setUp } from './support/setup.mjs';

let env;
before(async () => { env = await setUp({ init: { hashRoutes: true } }); });
after(() => env.tearDown());

async function openPage(path = '/test/blank.html') {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const logs = [];
  page.on('console', (message) => logs.push(message.text()));
  await page.goto(env.url(path));
  await sdkReady(page);
  return { context, page, logs };
}

test('middleware changes or drops events in order, and a failing one is reported while the event goes on', async () => {
  const { context, page } = await openPage();
  const results = await page.evaluate(async () => {
    const errors = [];
    window.omni.on('error', (error) => errors.push(error.code));
    window.omni.addMiddleware((event) => ({ ...event, properties: { ...event.properties, step: ['first'] } }));
    window.omni.addMiddleware((event) => {
      if (event.event === 'Secret') return null;
      return { ...event, properties: { ...event.properties, step: [...event.properties.step, 'second'] } };
    });
    window.omni.addMiddleware(() => { throw new Error('broken middleware'); });
    const kept = await window.omni.track('Changed', { a: 1 });
    const dropped = await window.omni.track('Secret');
    await window.omni.flush();
    return { kept, dropped, errors };
  });
  assert.equal(results.kept.queued, true);
  assert.deepEqual(results.dropped, { queued: false, reason: 'middleware' });
  assert.deepEqual(results.errors, ['middleware_failed'], 'the dropped event never reached the third');
  const [changed] = await env.collector.waitForEvents(1, { filter: (e) => e.event === 'Changed' });
  assert.deepEqual(changed.properties, { a: 1, step: ['first', 'second'] });
  assert.equal((await env.collector.events()).filter((e) => e.event === 'Secret').length, 0);
  await context.close();
});

test('with hashRoutes a change of the #/route is a page view', async () => {
  const { context, page } = await openPage('/test/blank.html#/home');
  const anonymousId = await page.evaluate(() => window.omni.anonymousId());
  await page.evaluate(() => { location.hash = '#/product/7'; });
  await page.waitForTimeout(50);
  await page.evaluate(() => window.omni.flush());
  const views = await env.collector.waitForEvents(2, { filter: (e) => e.type === 'page' && e.anonymousId === anonymousId });
  assert.deepEqual(views.map((v) => new URL(v.properties.url).hash), ['#/home', '#/product/7']);
  await context.close();
});

test('?omni_debug=1 logs calls, queued events and the collector answers to the console', async () => {
  const { context, page, logs } = await openPage('/test/blank.html?omni_debug=1');
  await page.evaluate(() => window.omni.track('Debugged').then(() => window.omni.flush()));
  await page.waitForTimeout(200);
  const text = logs.join('\n');
  assert.match(text, /\[omni\] call track Debugged/);
  assert.match(text, /\[omni\] queued/);
  assert.match(text, /\[omni\] batch of \d+ events, collector answered 200/);
  const quiet = await openPage('/test/blank.html');
  await quiet.page.evaluate(() => window.omni.track('Quiet').then(() => window.omni.flush()));
  assert.equal(quiet.logs.filter((line) => line.startsWith('[omni]')).length, 0, 'silent without debug');
  await quiet.context.close();
  await context.close();
});
