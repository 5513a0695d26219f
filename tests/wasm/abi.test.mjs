// Runs the real omni.wasm (the wasm-release build) under Node through its flat ABI, the way the
// browser's binding layer does: instantiate with the two imports, allocate, call, free in
// `finally`, JSON in and out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.OMNI_WASM_DIR;
assert.ok(dir, 'set OMNI_WASM_DIR to the wasm-release build folder holding omni.wasm');
const module = await WebAssembly.compile(readFileSync(join(dir, 'omni.wasm')));
const instance = await WebAssembly.instantiate(module, {
  env: { emscripten_notify_memory_growth() {} },
  wasi_snapshot_preview1: { proc_exit(code) { throw new Error('the core exited with status ' + code); } },
});
const wasm = instance.exports;
wasm._initialize();
const heap = () => new Uint8Array(wasm.memory.buffer);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function readOwned(ptr) {
  assert.notEqual(ptr, 0, 'the core returned no result');
  try {
    const bytes = heap();
    return JSON.parse(decoder.decode(bytes.subarray(ptr, bytes.indexOf(0, ptr))));
  } finally {
    wasm.omni_free(ptr);
  }
}

function withInput(value, fn) {
  const bytes = encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
  const ptr = wasm.omni_alloc(bytes.length);
  try {
    heap().set(bytes, ptr);
    return fn(ptr, bytes.length);
  } finally {
    wasm.omni_free(ptr);
  }
}

const ok = (result) => {
  assert.ok('ok' in result, JSON.stringify(result));
  return result.ok;
};

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const seed = '0123456789abcdef'.repeat(4);

function create(extra = {}) {
  return ok(withInput({ seed, now, writeKey: 'wk_node', ...extra }, (p, n) => readOwned(wasm.omni_create(p, n))));
}

test('omni.wasm imports only the memory-growth note and exit', () => {
  assert.deepEqual(WebAssembly.Module.imports(module).map(({ module, name }) => module + '.' + name).sort(),
    ['env.emscripten_notify_memory_growth', 'wasi_snapshot_preview1.proc_exit']);
});

test('omni_version is a static string', () => {
  const ptr = wasm.omni_version();
  const bytes = heap();
  assert.match(decoder.decode(bytes.subarray(ptr, bytes.indexOf(0, ptr))), /^\d+\.\d+\.\d+$/);
});

test('error codes arrive as data', () => {
  const codes = ok(readOwned(wasm.omni_error_codes()));
  assert.equal(codes[0], 'ok');
  assert.ok(codes.includes('invalid_event'));
});

test('malformed config is an error result, not a trap', () => {
  const result = withInput('{not json', (p, n) => readOwned(wasm.omni_create(p, n)));
  assert.equal(result.error.code, 'invalid_json');
});

test('track, persist, send and acknowledge a batch through the wasm core', () => {
  const { handle, anonymousId } = create();
  const queued = ok(withInput(
    { type: 'track', event: 'Product Added', properties: { sku: 'SKU-1', price: 19.5 }, now, echo: true,
      page: { url: 'https://shop.example/p/1?utm_source=newsletter&utm_medium=email', referrer: '' } },
    (p, n) => readOwned(wasm.omni_enqueue(handle, p, n))));
  assert.equal(queued.event.anonymousId, anonymousId);
  assert.equal(queued.event.context.channel, 'email');
  assert.match(queued.messageId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  const writes = ok(readOwned(wasm.omni_take_writes(handle)));
  assert.ok(writes.some((w) => w.put && w.value.includes(queued.messageId)), 'the event is among the writes to persist');

  const next = ok(readOwned(wasm.omni_next(handle, now, 1)));
  assert.equal(next.action, 'send');
  const body = JSON.parse(next.body);
  assert.equal(body.batch[0].messageId, queued.messageId);

  ok(withInput({ batchId: next.batchId, status: 200 }, (p, n) => readOwned(wasm.omni_report(handle, now, p, n))));
  assert.equal(ok(readOwned(wasm.omni_next(handle, now, 1))).action, 'idle');
  const erased = ok(readOwned(wasm.omni_take_writes(handle)));
  assert.ok(erased.some((w) => w.erase), 'acknowledged events are erased from storage');
  wasm.omni_destroy(handle);
});

test('an invalid call is rejected with the core error code', () => {
  const { handle } = create();
  const result = withInput({ type: 'track', now }, (p, n) => readOwned(wasm.omni_enqueue(handle, p, n)));
  assert.equal(result.error.code, 'invalid_event');
  assert.match(result.error.message, /event/);
  wasm.omni_destroy(handle);
});

test('a network failure schedules a retry instead of losing the batch', () => {
  const { handle } = create();
  ok(withInput({ type: 'track', event: 'A', now }, (p, n) => readOwned(wasm.omni_enqueue(handle, p, n))));
  const next = ok(readOwned(wasm.omni_next(handle, now, 1)));
  ok(withInput({ batchId: next.batchId, status: 0 }, (p, n) => readOwned(wasm.omni_report(handle, now, p, n))));
  // Full jitter may pick a delay of 0, so "send now" is as valid as "wait", but never "idle".
  const after = ok(readOwned(wasm.omni_next(handle, now, 0)));
  assert.notEqual(after.action, 'idle');
  if (after.action === 'wait') assert.ok(after.ms > 0 && after.ms <= 1000, `first backoff ${after.ms} ms`);
  const later = ok(readOwned(wasm.omni_next(handle, now + 120000, 0)));
  assert.equal(later.action, 'send');
  assert.deepEqual(later.messageIds, next.messageIds);
  wasm.omni_destroy(handle);
});
