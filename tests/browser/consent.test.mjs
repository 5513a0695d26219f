// The consent gate and Global Privacy Control, with a site whose snippet turns the gate on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkReady, setUp } from './support/setup.mjs';

let env;
before(async () => { env = await setUp({ init: { consent: { required: true }, page: false } }); });
after(() => env.tearDown());

const named = (name) => (event) => event.event === name;

test('with the gate on nothing is stored or sent before consent, and granted events keep their time', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  const madeAt = Date.now();
  await page.evaluate(() => { window.held = window.omni.track('Before Consent'); });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await env.collector.events()).length, 0);
  assert.equal(await page.evaluate(() => document.cookie.includes('omni_aid')), false, 'no cookie before consent');
  assert.equal(await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('omni');
    open.onsuccess = () => {
      const db = open.result;
      const count = db.transaction('log').objectStore('log').count();
      count.onsuccess = () => resolve(count.result);
    };
  })), 0, 'nothing persisted before consent');

  await page.evaluate(() => window.omni.consent.set({ analytics: true }));
  assert.equal((await page.evaluate(() => window.held)).queued, true);
  await page.evaluate(() => window.omni.flush());
  const [event] = await env.collector.waitForEvents(1, { filter: named('Before Consent') });
  assert.ok(Math.abs(Date.parse(event.originalTimestamp || event.timestamp) - madeAt) < 1000);
  assert.equal(await page.evaluate(() => document.cookie.includes('omni_aid')), true);
  await context.close();
});

test('events of a denied category are dropped, others delivered', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  const results = await page.evaluate(async () => {
    const marketing = window.omni.track('Ad Clicked', {}, { consent: 'marketing' });
    const analytics = window.omni.track('Kept Event');
    await window.omni.consent.set({ analytics: true, marketing: false });
    const later = await window.omni.track('Ad Shown', {}, { consent: 'marketing' });
    return [await marketing, await analytics, later];
  });
  assert.deepEqual(results.map((r) => r.queued), [false, true, false]);
  assert.equal(results[0].reason, 'consent');
  await page.evaluate(() => window.omni.flush());
  await env.collector.waitForEvents(1, { filter: named('Kept Event') });
  const stored = await env.collector.events();
  assert.equal(stored.filter((e) => e.event === 'Ad Clicked' || e.event === 'Ad Shown').length, 0);
  await context.close();
});

test('Global Privacy Control denies marketing by default but not analytics', async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  assert.deepEqual(await page.evaluate(() => window.omni.consent.get()), { marketing: false, advertising: false });
  const result = await page.evaluate(() => window.omni.track('Retargeted', {}, { consent: 'marketing' }));
  assert.deepEqual(result, { queued: false, reason: 'consent' });
  await context.close();
});
