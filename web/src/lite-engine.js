// The pure-JS path for pages whose Content-Security-Policy refuses WebAssembly: builds Segment
// events and batches them, in memory, with the same engine interface as the wasm core
// (enqueue / next / report / drainForUnload / takeWrites). It makes no decisions and persists
// nothing across page loads (the SDK reports itself degraded); the collector still validates
// every event, and unload delivery still runs.
import { OmniError } from './errors.js';

const MAX_BATCH_EVENTS = 100;
const MAX_BATCH_BYTES = 450 * 1024;
const MAX_EVENT_BYTES = 32 * 1024;
const MAX_QUEUE_EVENTS = 10000;

const uuid = () => crypto.randomUUID ? crypto.randomUUID()
  : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));

const campaignFrom = (url) => {
  const campaign = {};
  try {
    new URL(url).searchParams.forEach((value, key) => {
      if (key.startsWith('utm_')) campaign[key === 'utm_campaign' ? 'name' : key.slice(4)] = value;
    });
  } catch {
    // No campaign from a URL that does not parse.
  }
  return campaign;
};

export class LiteEngine {
  constructor({ writeKey, anonymousId, userId, context }) {
    this.writeKey = writeKey;
    this.context = context || {};
    this.anonymousId = anonymousId || uuid();
    this.userId = userId || null;
    this.pending = [];       // [{messageId, json}]
    this.inFlight = new Map();
    this.nextBatchId = 1;
    this.retryAt = 0;
    this.attempt = 0;
  }

  enqueue(request) {
    const { type, now } = request;
    const event = { type, messageId: uuid(), timestamp: new Date(request.timestamp || now).toISOString(),
      anonymousId: this.anonymousId };
    if (type === 'identify' && request.userId) this.userId = request.userId;
    if (type === 'alias') {
      if (!request.userId) throw new OmniError('invalid_event', 'alias needs a non-empty string `userId`');
      event.previousId = request.previousId || this.userId || this.anonymousId;
      event.userId = request.userId;
    } else if (this.userId) {
      event.userId = this.userId;
    }
    if (type === 'track') {
      if (typeof request.event !== 'string' || !request.event) {
        throw new OmniError('invalid_event', 'track needs a non-empty string `event`');
      }
      event.event = request.event;
    }
    if (request.name) event.name = request.name;
    if (request.category) event.category = request.category;
    if (type === 'group') event.groupId = request.groupId;
    if (type === 'identify' || type === 'group') event.traits = request.traits || {};
    else event.properties = request.properties || {};
    event.context = { ...this.context, ...request.context };
    if (request.page) {
      event.context.page = { ...request.page };
      const campaign = campaignFrom(request.page.url);
      if (Object.keys(campaign).length) event.context.campaign = campaign;
    }
    const json = JSON.stringify(event);
    if (json.length > MAX_EVENT_BYTES) throw new OmniError('event_too_large', 'the event is over 32 KB');
    if (this.pending.length >= MAX_QUEUE_EVENTS) this.pending.shift();
    this.pending.push({ messageId: event.messageId, json });
    return { messageId: event.messageId, event };
  }

  reset() {
    this.anonymousId = uuid();
    this.userId = null;
    return { anonymousId: this.anonymousId };
  }

  #batch(limit) {
    const taken = [];
    let bytes = 64;
    while (this.pending.length && taken.length < MAX_BATCH_EVENTS &&
      bytes + this.pending[0].json.length < limit) {
      const entry = this.pending.shift();
      bytes += entry.json.length + 1;
      taken.push(entry);
    }
    if (!taken.length) return null;
    const batchId = this.nextBatchId++;
    this.inFlight.set(batchId, taken);
    const body = '{"batch":[' + taken.map((e) => e.json).join(',') + '],"sentAt":"' +
      new Date().toISOString() + '","writeKey":' + JSON.stringify(this.writeKey) + '}';
    return { batchId, body, messageIds: taken.map((e) => e.messageId) };
  }

  next(now) {
    if (this.inFlight.size || !this.pending.length) return { action: 'idle' };
    if (now < this.retryAt) return { action: 'wait', ms: this.retryAt - now };
    return { action: 'send', ...this.#batch(MAX_BATCH_BYTES) };
  }

  drainForUnload(now, maxBytes) {
    const batches = [];
    for (let budget = maxBytes, batch; budget > 0 && (batch = this.#batch(Math.min(budget, MAX_BATCH_BYTES)));) {
      budget -= batch.body.length;
      batches.push(batch);
    }
    return { batches };
  }

  report(now, { batchId, status, retryAfterMs }) {
    const entries = this.inFlight.get(batchId) || [];
    this.inFlight.delete(batchId);
    if ((status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 408 && status !== 429)) {
      this.attempt = 0;
      return { dropped: [] };
    }
    this.pending.unshift(...entries);
    this.attempt++;
    this.retryAt = now + Math.max(retryAfterMs || 0, Math.random() * Math.min(60000, 1000 * 2 ** this.attempt));
    return { dropped: [] };
  }

  takeWrites() { return []; }
  destroy() {}
}
