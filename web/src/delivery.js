// One queue's delivery: persists what the engine wrote, asks it what to send, sends batches to
// the collector and reports the outcome back. The engine decides batching and retries (the
// core's policy); this module only does the I/O.
//
// Persistence: calls enqueue synchronously, then one microtask takes every write made so far and
// commits it in one storage transaction; each call's promise resolves when the transaction
// holding its event commits. Durability costs O(1) per event, never a rewrite of the queue.
const UNLOAD_BUDGET = 60 * 1024;  // under the browser's 64 KB keepalive budget, headers included
const SEND_TIMEOUT_MS = 30000;   // a collector that does not answer counts as a network error

// One tab of the site sends at a time (a Web Lock shared by its pages), so several open tabs do
// not each hold a connection to the collector.
const oneSenderAtATime = (send) =>
  (typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('omni:send', send) : send());

export class Delivery {
  constructor({ engine, store, ns, collector, fetch: fetchImpl, onIdentityWrites, emit, log }) {
    Object.assign(this, { engine, store, ns, collector, fetchImpl, onIdentityWrites, emit, log });
    this.waiters = [];      // [resolve, reject] of calls whose writes are not committed yet
    this.scheduled = false;
    this.sending = false;
    this.timer = 0;
    this.flushRequested = false;
    this.beaconed = [];     // batch ids sent by sendBeacon on hide: their outcome is unknown
    this.keepaliveBytes = 0;  // bodies of keepalive requests in flight (they share the budget)
    this.beaconBytes = 0;     // bodies handed to sendBeacon since the page was last shown
    this.unsettled = new Set();  // writes whose IndexedDB transaction has not committed yet
    this.paused = false;
    this.committed = Promise.resolve();
  }

  // Called after every successful enqueue: resolves once the event is committed to storage.
  persisted() {
    return new Promise((resolve, reject) => {
      this.waiters.push([resolve, reject]);
      this.#schedule();
    });
  }

  #schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.commit();
      this.pump();
    });
  }

  // Takes the engine's writes and commits them; identity keys ("id/...") are shared by every tab
  // of the site and go to their own namespace.
  // `now`: the page is closing; write synchronously where possible (Store.applyNow).
  commit(now = false) {
    const waiters = this.waiters;
    this.waiters = [];
    let writes;
    try {
      writes = this.engine.takeWrites();
    } catch (error) {
      waiters.forEach(([, reject]) => reject(error));
      return this.committed;
    }
    const own = [];
    const identity = [];
    for (const write of writes) ((write.put || write.erase).startsWith('id/') ? identity : own).push(write);
    const entry = { own, identity };
    const applied = this.#applyEntry(entry, now);
    // Until its transaction commits, an entry is written again, synchronously, if the page closes.
    this.unsettled.add(entry);
    applied.finally(() => this.unsettled.delete(entry)).catch(() => {});
    this.committed = applied.then(
      () => waiters.forEach(([resolve]) => resolve()),
      (error) => {
        waiters.forEach(([, reject]) => reject(error));
        this.emit('error', { code: 'storage_failed', message: String(error && error.message || error) });
      });
    return this.committed;
  }

  #applyEntry({ own, identity }, now) {
    return Promise.all([
      own.length ? (now ? this.store.applyNow(this.ns, own) : this.store.apply(this.ns, own)) : null,
      identity.length && this.onIdentityWrites ? this.onIdentityWrites(identity, now) : null,
    ]);
  }

  flush() {
    this.flushRequested = true;
    return this.pump();
  }

  // Sends while the engine has batches ready, one in flight at a time (the core keeps order).
  async pump() {
    if (this.sending || this.paused) return;
    clearTimeout(this.timer);
    this.sending = true;
    try {
      for (;;) {
        const action = this.engine.next(Date.now(), this.flushRequested);
        if (action.action === 'wait') {
          this.timer = setTimeout(() => this.pump(), action.ms);
          return;
        }
        if (action.action !== 'send') {
          this.flushRequested = false;
          return;
        }
        // keepalive lets the batch finish if the page closes meanwhile (within the browser's
        // 64 KB budget); drainForUnload leaves this batch out, so nothing else would send it.
        const outcome = await oneSenderAtATime(() => this.#post(action.body, action.body.length <= UNLOAD_BUDGET));
        this.log('batch of', action.messageIds.length, 'events, collector answered', outcome.status, outcome.body || '');
        this.#report({ batchId: action.batchId, ...outcome });
        this.commit();
      }
    } finally {
      this.sending = false;
    }
  }

  #report(outcome) {
    const { dropped } = this.engine.report(Date.now(), outcome);
    for (const drop of dropped || []) this.emit('error', { code: 'event_dropped', ...drop });
  }

  // text/plain keeps the request "simple" (no CORS preflight); the write key is in the body.
  // Credentials let a collector on the same site renew the anonymous id cookie (Set-Cookie);
  // the collector's CORS answers allow them for the origins it admits.
  async #post(body, keepalive = false) {
    if (keepalive) this.keepaliveBytes += body.length;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    try {
      const response = await this.fetchImpl(this.collector + '/v1/batch', {
        method: 'POST', body, keepalive, credentials: 'include', headers: { 'Content-Type': 'text/plain' },
        signal: abort.signal,
      });
      const retryAfter = Number(response.headers.get('Retry-After'));
      const outcome = { status: response.status };
      if (retryAfter > 0) outcome.retryAfterMs = retryAfter * 1000;
      if (response.status === 400) outcome.body = await response.text();
      return outcome;
    } catch {
      return { status: 0 };
    } finally {
      clearTimeout(timer);
      if (keepalive) this.keepaliveBytes -= body.length;
    }
  }

  // Page hidden or leaving: commit what is pending and send everything within the keepalive
  // budget. sendBeacon answers at once whether the browser took the batch, but never says how the
  // collector answered: such batches are reported lost when the page is shown again, so they are
  // resent (the collector deduplicates them). Where sendBeacon refuses, keepalive fetch is tried,
  // whose outcome is reported if the page lives on.
  sendOnHide() {
    for (const entry of this.unsettled) this.#applyEntry(entry, true).catch(() => {});
    this.commit(true);
    let batches;
    try {
      // What is already in flight with keepalive counts against the same budget.
      // Keepalive requests and beacons still in flight count against the same budget.
      const inFlight = this.keepaliveBytes + this.beaconBytes;
      batches = this.engine.drainForUnload(Date.now(), Math.max(0, UNLOAD_BUDGET - inFlight)).batches;
    } catch {
      return;
    }
    const url = this.collector + '/v1/batch';
    for (const batch of batches) {
      if (navigator.sendBeacon && navigator.sendBeacon(url, new Blob([batch.body], { type: 'text/plain' }))) {
        this.beaconed.push(batch.batchId);
        this.beaconBytes += batch.body.length;
        continue;
      }
      this.#post(batch.body, true).then((outcome) => {
        this.#report({ batchId: batch.batchId, ...outcome });
        this.commit();
      });
    }
  }

  onShown() {
    this.beaconBytes = 0;
    for (const batchId of this.beaconed.splice(0)) this.#report({ batchId, status: 0 });
    this.pump();
  }
}
