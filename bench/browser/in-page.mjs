// Functions that run inside the bench pages (passed to page.evaluate / addInitScript, so each is
// self-contained: no closures over this module).

// Init script: keeps every WebAssembly.Memory the page instantiates, so the heap figure can add
// the wasm core's linear memory (which the JS heap does not count).
export function captureWasmMemories() {
  const memories = (window.benchWasmMemories = []);
  const Instance = WebAssembly.Instance;
  const keep = (result) => {
    const instance = result instanceof Instance ? result : result.instance;
    for (const value of Object.values((instance && instance.exports) || {})) {
      if (value instanceof WebAssembly.Memory) memories.push(value);
    }
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) { return original.apply(this, args).then(keep); };
  }
  // omni instantiates the module it compiled already synchronously.
  WebAssembly.Instance = function (module, imports) { return keep(new Instance(module, imports)); };
  WebAssembly.Instance.prototype = Instance.prototype;
}

export function wasmMemoryBytes() {
  return (window.benchWasmMemories || []).reduce((sum, memory) => sum + memory.buffer.byteLength, 0);
}

// The smallest step performance.now() takes here, in µs (5 when cross-origin isolated, 100
// otherwise in Chromium).
export function timerResolutionUs() {
  let smallest = Infinity;
  let last = performance.now();
  for (let n = 0; n < 200000; n++) {
    const now = performance.now();
    if (now > last) {
      smallest = Math.min(smallest, now - last);
      last = now;
    }
  }
  return Math.round(smallest * 1000 * 100) / 100;
}

// `chunks` x `perChunk` track() calls with no yield between them, each chunk timed on its own
// (performance.now() is too coarse for one call). The properties are built before timing, so
// only the call is measured. The promises the calls returned are watched from the end of the
// burst (window.benchSettled, read by settlePending()): for omni they resolve when the event is
// durably queued, for Segment when its dispatch finished; the baseline returns none.
export function burst({ tracker, name, chunks, perChunk }) {
  const calls = {
    omni: (event, properties) => window.omni.track(event, properties),
    segment: (event, properties) => window.segment.track(event, properties),
    baseline: (event, properties) => window.baseline.track(event, properties),
  };
  const track = calls[tracker];
  const total = chunks * perChunk;
  const properties = Array.from({ length: total }, (_, i) => ({
    i, product_id: 'sku-' + (i % 50), name: 'Merino Crew ' + (i % 50), price: 79.5,
    currency: 'EUR', category: 'Knitwear', quantity: 1 + (i % 3),
  }));
  const results = new Array(total);
  const perCallUs = new Array(chunks);
  let k = 0;
  const started = performance.now();
  for (let c = 0; c < chunks; c++) {
    const t0 = performance.now();
    for (let i = 0; i < perChunk; i++, k++) results[k] = track(name, properties[k]);
    perCallUs[c] = ((performance.now() - t0) * 1000) / perChunk;
  }
  const ended = performance.now();
  const burstMs = ended - started;
  // Timed from here, inside the page: a later evaluate may only get to run once the tracker's
  // own follow-up work lets the main thread go.
  window.benchSettled = Promise.allSettled(results).then((outcomes) => ({ outcomes, settleMs: performance.now() - ended }));
  const promises = results.filter((result) => result && typeof result.then === 'function').length;
  return { burstMs, perCallUs, promises, crossOriginIsolated: window.crossOriginIsolated };
}

// Waits up to timeoutMs for the promises burst() left: how long after the burst they had all
// settled (null when they had not within the timeout) and how they ended.
export async function settlePending({ timeoutMs }) {
  const settled = await Promise.race([
    window.benchSettled || Promise.resolve({ outcomes: [], settleMs: 0 }),
    new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs)),
  ]);
  window.benchSettled = null;
  const summary = { settleMs: settled ? settled.settleMs : null, fulfilled: 0, queued: 0, rejected: 0, firstRejection: null };
  for (const outcome of settled ? settled.outcomes : []) {
    if (outcome.status === 'rejected') {
      summary.rejected++;
      const reason = outcome.reason;
      summary.firstRejection ||= String((reason && (reason.code || reason.message)) || reason);
    } else {
      summary.fulfilled++;
      if (outcome.value && outcome.value.queued === true) summary.queued++;
    }
  }
  return summary;
}

// Counts omni's 'error' events by code and reason (event_dropped: overflow, rejected, ...).
export function countOmniErrors() {
  const counts = (window.benchOmniErrors = {});
  window.omni.on('error', (error) => {
    const key = error.code + (error.reason ? ':' + error.reason : '');
    counts[key] = (counts[key] || 0) + 1;
  });
}

// 100 calls in a row, as a page does just before the shopper leaves.
export function trackMany({ tracker, name, count }) {
  const target = { omni: () => window.omni, segment: () => window.segment, baseline: () => window.baseline }[tracker]();
  for (let i = 0; i < count; i++) {
    target.track(name, { i, product_id: 'sku-' + i, price: 79.5, currency: 'EUR', padding: 'x'.repeat(200) });
  }
}

// When the tracker's scripts and (for omni) wasm were requested and had arrived, from the
// resource timings (ms since navigation start).
export function loadTimings() {
  const round = (ms) => Math.round(ms * 10) / 10;
  const resources = {};
  for (const entry of performance.getEntriesByType('resource')) {
    const file = new URL(entry.name).pathname.split('/').pop();
    if (/\.(js|wasm)$/.test(file)) resources[file] = { start: round(entry.startTime), end: round(entry.responseEnd) };
  }
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    readyMs: window.benchReadyAt,
    domContentLoadedMs: navigation ? navigation.domContentLoadedEventEnd : null,
    loadMs: navigation ? navigation.loadEventEnd : null,
    resources,
  };
}
