// The SDK's binding layer (web/src/binding.js) over the real omni.wasm under Node, the bytes
// passed in as the browser's loader would stream them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCore } from '../../web/src/binding.js';
import { OmniError } from '../../web/src/errors.js';

const dir = process.env.OMNI_WASM_DIR;
assert.ok(dir, 'set OMNI_WASM_DIR to the wasm-release build folder holding omni.wasm');
const wasmBinary = readFileSync(join(dir, 'omni.wasm'));
const seed = 'a1'.repeat(32);
const now = Date.UTC(2026, 10, 22, 12);

const load = () => loadCore({ wasmBinary });

test('the core loads from bytes and reports its version and error codes', async () => {
  const core = await load();
  assert.match(core.version(), /^\d+\.\d+\.\d+$/);
  assert.ok(core.errorCodes().includes('invalid_event'));
});

test('an event goes in, its writes come out, a batch is sent and acknowledged', async () => {
  const core = await load();
  const { handle, anonymousId } = core.create({ seed, now, writeKey: 'wk_1' });
  const queued = core.enqueue(handle, { type: 'track', event: 'Añadido 🛒', properties: { note: 'ü'.repeat(1000) }, now, echo: true });
  assert.equal(queued.event.event, 'Añadido 🛒', 'multi-byte text survives the trip through wasm memory');
  assert.equal(queued.event.properties.note, 'ü'.repeat(1000));
  assert.equal(queued.event.anonymousId, anonymousId);
  const writes = core.takeWrites(handle);
  assert.ok(writes.some((w) => w.put && w.value.includes(queued.messageId)));
  const send = core.next(handle, now, true);
  assert.equal(send.action, 'send');
  assert.deepEqual(send.messageIds, [queued.messageId]);
  assert.deepEqual(core.report(handle, now, { batchId: send.batchId, status: 200 }).dropped, []);
  assert.equal(core.next(handle, now, true).action, 'idle');
  core.destroy(handle);
});

test('a stored queue is restored by a new instance, as after a page reload', async () => {
  const core = await load();
  const first = core.create({ seed, now, writeKey: 'wk_1' });
  core.enqueue(first.handle, { type: 'track', event: 'Before Reload', now });
  const stored = {};
  for (const write of core.takeWrites(first.handle)) {
    if (write.put !== undefined) stored[write.put] = write.value;
    else delete stored[write.erase];
  }
  const second = core.create({ seed, now, writeKey: 'wk_1', stored });
  assert.equal(second.pending, 1);
  assert.equal(second.anonymousId, first.anonymousId);
  assert.match(core.next(second.handle, now, true).body, /Before Reload/);
});

test('results stay readable after the core grows its memory', async () => {
  const core = await load();
  const { handle } = core.create({ seed, now, writeKey: 'wk_1' });
  const before = core.memory.bytes.buffer;
  // 200 events of 20 KB: about 4 MB queued, past the 1 MB the core starts with.
  const note = 'x'.repeat(20000);
  for (let i = 0; i < 200; i++) core.enqueue(handle, { type: 'track', event: 'Big ' + i, properties: { note }, now });
  assert.notEqual(core.memory.bytes.buffer, before, 'the memory grew and the binding reads the new buffer');
  const writes = core.takeWrites(handle);
  assert.equal(writes.filter((w) => w.put && w.value.includes(note)).length, 200);
  const send = core.next(handle, now, true);
  assert.equal(send.action, 'send');
  assert.match(send.body, /"event":"Big 0"/);
});

test('an error result rejects with an OmniError carrying the core code', async () => {
  const core = await load();
  const { handle } = core.create({ seed, now });
  assert.throws(() => core.enqueue(handle, { type: 'track', now }),
    (error) => error instanceof OmniError && error.code === 'invalid_event' && /event/.test(error.message));
  assert.throws(() => core.enqueue(handle, '{"type":'), (error) => error.code === 'invalid_json');
  assert.throws(() => core.next(999, now, false), (error) => error.code === 'not_found');
});

test('after a trap every call fails as core_trapped instead of using broken memory', async () => {
  const core = await load();
  const { handle } = core.create({ seed, now });
  core.exports = { ...core.exports, omni_next: () => { throw new WebAssembly.RuntimeError('unreachable'); } };
  assert.throws(() => core.next(handle, now, false), (error) => error.code === 'core_trapped');
  assert.throws(() => core.takeWrites(handle), (error) => error.code === 'core_trapped');
  assert.equal(core.broken, true);
});

test('bytes that are not WebAssembly reject with core_unavailable', async () => {
  await assert.rejects(loadCore({ wasmBinary: new Uint8Array([0, 1, 2, 3]) }),
    (error) => error instanceof OmniError && error.code === 'core_unavailable');
});

test('a compiled module is instantiated at once, and asynchronously when that is refused', async (t) => {
  const wasmModule = await WebAssembly.compile(wasmBinary);
  const Instance = WebAssembly.Instance;
  t.after(() => { WebAssembly.Instance = Instance; });
  let synchronous = 0;
  WebAssembly.Instance = function (module, imports) {
    synchronous++;
    return new Instance(module, imports);
  };
  const core = await loadCore({ wasmModule });
  assert.equal(synchronous, 1);
  assert.ok(core.create({ seed, now, writeKey: 'wk_1' }).handle > 0);

  // A browser that refuses synchronous instantiation (a RangeError on the main thread) is served
  // by WebAssembly.instantiate instead.
  WebAssembly.Instance = function () {
    throw new RangeError('WebAssembly.Instance is disallowed on the main thread');
  };
  const fallback = await loadCore({ wasmModule });
  assert.ok(fallback.create({ seed, now, writeKey: 'wk_1' }).handle > 0);
  assert.equal(fallback.wasmModule, wasmModule);
});
