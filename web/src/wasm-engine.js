// The engine over the wasm core: one omni_create handle and its calls. The facade talks to this
// and to LiteEngine through the same methods.
export class WasmEngine {
  constructor(core, config) {
    this.core = core;
    const created = core.create(config);
    this.handle = created.handle;
    this.anonymousId = created.anonymousId;
    this.userId = created.userId;
    this.restoredDrops = created.dropped;
  }

  enqueue(request) {
    const queued = this.core.enqueue(this.handle, request);
    this.userId = queued.userId;
    return queued;
  }

  reset(now) {
    const reset = this.core.reset(this.handle, now);
    this.anonymousId = reset.anonymousId;
    this.userId = null;
    return reset;
  }

  next(now, flush) { return this.core.next(this.handle, now, flush); }
  drainForUnload(now, maxBytes) { return this.core.drainForUnload(this.handle, now, maxBytes); }
  report(now, outcome) { return this.core.report(this.handle, now, outcome); }
  takeWrites() { return this.core.takeWrites(this.handle); }
  destroy() { this.core.destroy(this.handle); }
}
