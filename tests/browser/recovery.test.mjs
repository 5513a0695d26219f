// A trap in the wasm core (a bug, memory exhausted) must not leave a broken SDK: the facade drops
// the instance, builds a new one from what is committed to storage, and carries on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkReady, setUp } from './support/setup.mjs';

let env;
before(async () => { env = await setUp({ init: { page: false } }); });
after(() => env.tearDown());

// Wraps the core's exports so that, once armed, the next call into the wasm traps as a real
// `unreachable` would.
function trapOnDemand() {
  const Instance = WebAssembly.Instance;
  // instantiate(bytes) answers {module, instance}; instantiate(module) answers the instance.
  const wrap = (result) => {
    if (result instanceof Instance) return wrap({ instance: result }).instance;
    const exports = {};
    for (const [name, value] of Object.entries(result.instance.exports)) {
      exports[name] = typeof value !== 'function' ? value : (...args) => {
        if (window.armTrap) {
          window.armTrap = false;
          throw new WebAssembly.RuntimeError('unreachable');
        }
        return value(...args);
      };
    }
    return { module: result.module, instance: { exports } };
  };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...args) => streaming(...args).then(wrap);
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (...args) => plain(...args).then(wrap);
  // The SDK instantiates a module it has compiled already synchronously.
  WebAssembly.Instance = function (module, imports) {
    return wrap({ instance: new Instance(module, imports) }).instance;
  };
}

test('after a trap the SDK rebuilds the core from storage and loses no acknowledged event', async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(trapOnDemand);
  const page = await context.newPage();
  await page.goto(env.url('/test/blank.html'));
  await sdkReady(page);
  await context.setOffline(true);  // keep the first events queued, not delivered
  const before = await page.evaluate(() => Promise.all([1, 2, 3].map((i) => window.omni.track('Before Trap ' + i))));
  assert.ok(before.every((r) => r.queued));
  const afterTrap = await page.evaluate(() => {
    window.armTrap = true;
    return window.omni.track('After Trap');
  });
  assert.equal(afterTrap.queued, true);
  const status = await page.evaluate(() => window.omni.status());
  assert.equal(status.core, 'wasm');
  assert.ok(status.degraded.includes('core:restarted'), JSON.stringify(status));
  await context.setOffline(false);
  await page.evaluate(() => window.omni.flush());
  const events = await env.collector.waitForEvents(4, { filter: (e) => /Trap/.test(e.event || '') });
  assert.deepEqual(events.map((e) => e.event).sort(), ['After Trap', 'Before Trap 1', 'Before Trap 2', 'Before Trap 3']);
  await context.close();
});
