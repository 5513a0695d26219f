// The pure-JS path used when a page's CSP refuses WebAssembly (web/src/lite-engine.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiteEngine } from '../../web/src/lite-engine.js';

const now = Date.UTC(2026, 10, 22, 12);

test('builds Segment events with ids, time and campaign', () => {
  const engine = new LiteEngine({ writeKey: 'wk' });
  const { event } = engine.enqueue({ type: 'page', now, timestamp: now - 5000, properties: { a: 1 },
    page: { url: 'https://shop.example/?utm_source=ads&utm_campaign=x', referrer: '', title: 'Home' } });
  assert.equal(event.type, 'page');
  assert.equal(event.timestamp, new Date(now - 5000).toISOString());
  assert.match(event.messageId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(event.context.campaign, { source: 'ads', name: 'x' });
  assert.throws(() => engine.enqueue({ type: 'track', now }), (e) => e.code === 'invalid_event');
});

test('batches in order, keeps a failed batch for a retry, forgets an acknowledged one', () => {
  const engine = new LiteEngine({ writeKey: 'wk' });
  for (let i = 0; i < 3; i++) engine.enqueue({ type: 'track', event: 'E' + i, now });
  const first = engine.next(now);
  assert.equal(first.action, 'send');
  assert.deepEqual(JSON.parse(first.body).batch.map((e) => e.event), ['E0', 'E1', 'E2']);
  assert.equal(JSON.parse(first.body).writeKey, 'wk');
  assert.equal(engine.next(now).action, 'idle', 'one batch in flight at a time');
  engine.report(now, { batchId: first.batchId, status: 503, retryAfterMs: 2000 });
  assert.equal(engine.next(now).action, 'wait');
  const retry = engine.next(now + 61000);
  assert.deepEqual(retry.messageIds, first.messageIds);
  engine.report(now, { batchId: retry.batchId, status: 200 });
  assert.equal(engine.next(now + 62000).action, 'idle');
});

test('unload draining stays within the byte budget', () => {
  const engine = new LiteEngine({ writeKey: 'wk' });
  for (let i = 0; i < 50; i++) engine.enqueue({ type: 'track', event: 'E' + i, properties: { pad: 'x'.repeat(1000) }, now });
  const { batches } = engine.drainForUnload(now, 20000);
  assert.ok(batches.length >= 1);
  assert.ok(batches.reduce((sum, b) => sum + b.body.length, 0) <= 20000);
});
