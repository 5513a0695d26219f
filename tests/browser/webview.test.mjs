// The SDK inside a mobile app's webview: phone emulation (viewport, touch, user agent) and the
// native app's side played by an init script, as Android's addJavascriptInterface and iOS's
// WKUserScript / WKScriptMessageHandler would provide it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { devices } from './support/browser.mjs';
import { sdkReady, setUp } from './support/setup.mjs';

let env;
before(async () => { env = await setUp(); });
after(() => env.tearDown());

const phone = () => env.browser.newContext({ ...devices['Pixel 7'] });
const eventsOf = (anonymousId) => env.collector.waitForEvents(2, { filter: (e) => e.anonymousId === anonymousId });

test('an Android app hands its anonymous id and user id to the webview through its bridge', async () => {
  const context = await phone();
  await context.addInitScript(() => {
    window.OmniAndroid = { handover: () => JSON.stringify(
      { anonymousId: 'app-anon-android', userId: 'app-user-7', expiresAt: Date.now() + 60000 }) };
  });
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  assert.equal(await page.evaluate(() => navigator.maxTouchPoints > 0), true);
  assert.deepEqual(await page.evaluate(() => [window.omni.anonymousId(), window.omni.user().userId]),
    ['app-anon-android', 'app-user-7']);
  await page.evaluate(() => window.omni.track('In App').then(() => window.omni.flush()));
  const events = await eventsOf('app-anon-android');
  const track = events.find((e) => e.event === 'In App');
  assert.ok(track, JSON.stringify(events));
  assert.equal(track.userId, 'app-user-7');
  assert.match(track.context.userAgent, /Android/);
  await context.close();
});

test('an iOS app hands over ids with a user script and learns the id the webview uses', async () => {
  const context = await phone();
  await context.addInitScript(() => {
    window.received = [];
    window.webkit = { messageHandlers: { omni: { postMessage: (message) => window.received.push(message) } } };
    window.omniNativeHandover = { anonymousId: 'app-anon-ios', expiresAt: Date.now() + 60000 };
  });
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  assert.equal(await page.evaluate(() => window.omni.anonymousId()), 'app-anon-ios');
  assert.deepEqual(await page.evaluate(() => window.received),
    [{ type: 'anonymousId', value: 'app-anon-ios' }]);
  await context.close();
});

test('URL parameters hand over ids until they expire, and leave the address bar', async () => {
  const context = await phone();
  const page = await context.newPage();
  const expires = Date.now() + 60000;
  await page.goto(env.url(`/test/blank.html?omni_anonymous_id=link-anon&omni_user_id=link-user&omni_expires=${expires}&keep=1`));
  await sdkReady(page);
  assert.equal(await page.evaluate(() => window.omni.anonymousId()), 'link-anon');
  assert.equal(new URL(page.url()).search, '?keep=1');

  const stale = await context.newPage();
  await stale.goto(env.url(`/test/blank.html?omni_anonymous_id=old-anon&omni_expires=${Date.now() - 1000}`));
  await sdkReady(stale);
  // An expired hand-over is ignored: the id the site already had (its cookie) stays.
  assert.equal(await stale.evaluate(() => window.omni.anonymousId()), 'link-anon');
  await context.close();
});
