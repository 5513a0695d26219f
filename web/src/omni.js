// The public facade: Segment-style calls over the core, and everything that touches the page
// (storage, network, cookies, navigation, the webview bridge). The core, in wasm or its pure-JS
// stand-in, validates and builds events and decides what to send; this module does the I/O.
//
// Every call returns a promise: it resolves with {queued: true, messageId} once the event is
// committed to storage (or {queued: false, reason: 'consent'} when consent dropped it) and
// rejects with an OmniError on invalid input. Calls made before init() finished wait, in
// order, with the time they were made.
import { compileCore, loadCore } from './binding.js';
import { ConsentGate } from './consent.js';
import { readAnonymousIdCookie, readAnonymousIdCookieAsync, writeAnonymousIdCookie } from './cookie.js';
import { Delivery } from './delivery.js';
import { OmniError, toOmniError } from './errors.js';
import { announceAnonymousId, readHandover } from './handover.js';
import { LiteEngine } from './lite-engine.js';
import { describePage, watchNavigation } from './page-tracking.js';
import { openStoreInBackground, readSharedNow } from './storage/index.js';
import { adoptWhenFree, claimOwnNamespace } from './tabs.js';
import { WasmEngine } from './wasm-engine.js';

export const VERSION = '0.1.0';
const SHARED_NS = 'shared';

const randomSeed = () => Array.from(crypto.getRandomValues(new Uint8Array(32)),
  (b) => b.toString(16).padStart(2, '0')).join('');

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

const TIMEZONE_KEY = 'omni_tz';

const staticContext = () => {
  const context = { library: { name: 'omni-web', version: VERSION } };
  if (typeof navigator !== 'undefined') {
    context.userAgent = navigator.userAgent;
    context.locale = navigator.language;
  }
  // The time zone as the last visit found it (reading it costs a first Intl call 20-45 ms, so it
  // is read after start-up: see #readTimezone).
  try {
    const cached = localStorage.getItem(TIMEZONE_KEY);
    if (cached) context.timezone = cached;
  } catch {
    // No localStorage: the time zone joins the events once it has been read.
  }
  if (typeof screen !== 'undefined') {
    context.screen = { width: screen.width, height: screen.height, density: globalThis.devicePixelRatio };
  }
  return context;
};

export class Omni {
  #options = null;
  #ready = null;
  #readyCallbacks = [];
  #started = false;
  #calls = [];            // calls not run yet, in call order: [run, resolve, reject]
  #held = [];             // calls waiting for consent: [category, request, resolve]
  #listeners = {};
  #middlewares = [];
  #referrer = typeof document === 'undefined' ? '' : document.referrer;  // the page view's referrer
  #status = { core: 'loading', storage: 'none', degraded: [] };
  #context = null;
  #traits = {};
  #store = null;
  #ns = null;
  #engine = null;
  #delivery = null;
  #core = null;
  #recovering = null;
  #compiling = null;      // the compiled core (or why it could not be), started by init()
  #prefetched = null;     // [url, compiled module promise] of the core, from the snippet
  #cookieRead = null;     // the snippet's read of the anonymous id cookie: promise of its value
  #timezone = null;       // read after start-up when the static context did not have it

  constructor() {
    this.consent = {
      set: (categories) => this.#setConsent(categories),
      get: () => (this.#consent ? this.#consent.get() : {}),
    };
  }

  #consent = null;
  #replayedAt = 0;        // while replaying the snippet's queue: when the call was really made
  #initAt = 0;            // when init() was called: the time of the first page view

  // Takes over the snippet's stub (window.omni before the SDK loaded): replays its calls in
  // order with the time each was made, and settles the promises the stub returned.
  replaySnippetQueue(stub) {
    // [url, promise of the compiled module]: the snippet started on the core already.
    if (stub && Array.isArray(stub.wasm)) this.#prefetched = stub.wasm;
    if (stub && stub.aid && typeof stub.aid.then === 'function') this.#cookieRead = stub.aid;
    for (const [method, args, time, resolve, reject] of Array.from(stub || [])) {
      let result;
      this.#replayedAt = time;
      try {
        const [owner, name] = method === 'consent.set' ? [this.consent, 'set'] : [this, method];
        result = typeof owner[name] === 'function' ? owner[name](...args)
          : Promise.reject(new OmniError('invalid_argument', 'omni.' + method + ' is not a function'));
      } finally {
        this.#replayedAt = 0;
      }
      Promise.resolve(result).then(resolve, reject);
    }
  }

  // options: writeKey (required), collector (URL of the collector, required), wasmUrl, page
  // (false: no automatic page views), hashRoutes, storage ('auto' | 'indexeddb' |
  // 'localstorage' | 'memory'), cookieDomain, consent ({required, categories}), queue (the
  // core's queue settings), debug.
  init(options) {
    if (this.#ready) return this.#ready;
    if (!isObject(options) || typeof options.writeKey !== 'string' || !options.writeKey) {
      return Promise.reject(new OmniError('invalid_argument', 'init needs { writeKey: "<your source write key>" }'));
    }
    let collector;
    try {
      collector = new URL(options.collector, globalThis.location && location.href).href.replace(/\/+$/, '');
    } catch {
      return Promise.reject(new OmniError('invalid_argument', 'init needs { collector: "<the collector URL>" }'));
    }
    const debug = options.debug || /[?&]omni_debug=1/.test(globalThis.location ? location.search : '');
    this.#options = { ...options, collector, debug };
    this.#initAt = this.#replayedAt || Date.now();
    // The core downloads and compiles while storage opens: neither waits for the other.
    this.#compiling = options.wasmUrl ? this.#compileWasm(options.wasmUrl).catch((error) => error) : null;
    this.#ready = this.#start().then(() => {
      this.#readyCallbacks.splice(0).forEach((callback) => this.#safely(callback));
    });
    return this.#ready;
  }

  track(event, properties, options) {
    return this.#call({ type: 'track', event, properties }, options);
  }

  // page(), page(name), page(category, name), page(category, name, properties, options);
  // page(name, properties) is accepted too, as in Segment.
  page(category, name, properties, options) {
    if (isObject(name)) [category, name, properties, options] = [undefined, category, name, properties];
    else if (name === undefined && category !== undefined) [category, name] = [undefined, category];
    return this.#call({ type: 'page', category, name, properties }, options, true);
  }

  // identify(userId, traits?, options?) or identify(traits, options?) for an anonymous visitor.
  identify(userId, traits, options) {
    if (isObject(userId)) [userId, traits, options] = [undefined, userId, traits];
    return this.#call({ type: 'identify', userId, traits }, options);
  }

  alias(userId, previousId, options) {
    return this.#call({ type: 'alias', userId, previousId }, options);
  }

  group(groupId, traits, options) {
    return this.#call({ type: 'group', groupId, traits }, options);
  }

  reset() {
    return this.#enqueueCall(() => {
      this.#engine.reset(Date.now());
      this.#traits = {};
      this.#rememberAnonymousId();
      return this.#delivery.persisted();
    });
  }

  flush() {
    return this.#enqueueCall(() => this.#delivery.commit().then(() => this.#delivery.flush()));
  }

  ready(callback) {
    if (typeof callback === 'function') {
      if (this.#started) this.#safely(callback);
      else this.#readyCallbacks.push(callback);
    }
    return this.#ready || new Promise((resolve) => this.#readyCallbacks.push(resolve));
  }

  // Changes or drops events before they are queued, as Segment's source middleware does:
  // `middleware(event)` gets the call's fields ({type, event, name, properties, traits,
  // context, ...}) and returns them (changed or not), or null to drop the event. Middlewares run
  // in the order they were added; one that throws is reported on 'error' and the event goes on
  // unchanged.
  addMiddleware(middleware) {
    if (typeof middleware !== 'function') throw new OmniError('invalid_argument', 'addMiddleware needs a function');
    this.#middlewares.push(middleware);
  }

  // Before start-up finished, the ids come from the cookie and the webview hand-over.
  user() {
    if (!this.#engine) {
      const handover = typeof window === 'undefined' ? null : readHandover(window, Date.now(), false);
      return { anonymousId: (handover && handover.anonymousId) || readAnonymousIdCookie() || null,
        userId: (handover && handover.userId) || null, traits: {} };
    }
    return {
      anonymousId: this.#engine ? this.#engine.anonymousId : null,
      userId: this.#engine ? this.#engine.userId : null,
      traits: { ...this.#traits },
    };
  }

  anonymousId() { return this.user().anonymousId; }

  // 'error': {code, message, ...}; 'degraded': {reason}.
  on(name, callback) {
    (this.#listeners[name] ||= []).push(callback);
    return () => { this.#listeners[name] = this.#listeners[name].filter((c) => c !== callback); };
  }

  status() { return { ...this.#status, degraded: [...this.#status.degraded] }; }

  // ----- start-up -----

  async #start() {
    const options = this.#options;
    this.#log('init', { collector: options.collector });
    const cookieId = readAnonymousIdCookieAsync(this.#cookieRead);
    this.#consent = new ConsentGate(options.consent);
    // Opening IndexedDB and asking for this page's Web Lock cost the main thread 1-5 ms in a new
    // page, and starting needs neither: they begin once the SDK is ready. Writes made before
    // wait in the pending store.
    let openStorage;
    const storageMayOpen = new Promise((resolve) => { openStorage = resolve; });
    const { ns, held } = claimOwnNamespace(storageMayOpen);
    this.#ns = ns;
    this.#store = openStoreInBackground(
      { storage: options.storage, onDegraded: (reason) => this.#degrade(reason) }, held, storageMayOpen);
    this.#store.opening.then((store) => { this.#status.storage = store.kind; });
    this.#context = staticContext();
    // The identity lives in localStorage, read at once: this page's own queue is new and empty,
    // so nothing else has to be read before the core can start. Without localStorage it comes
    // from the store, which then opens at once.
    const sharedNow = options.storage === 'indexeddb' || options.storage === 'memory' ? null : readSharedNow(SHARED_NS);
    if (!sharedNow) openStorage();
    const shared = Object.fromEntries(sharedNow || (await this.#store.loadAll()).get(SHARED_NS) || []);
    const handover = readHandover(window);
    const anonymousId = (handover && handover.anonymousId) || (await cookieId) || undefined;
    const config = {
      seed: randomSeed(), now: Date.now(), writeKey: options.writeKey, stored: shared, context: this.#context,
      anonymousId,
    };
    config.queue = this.#queueConfig();
    this.#engine = await this.#newEngine(config);
    this.#loadTraits(shared['id/traits']);
    this.#delivery = this.#newDelivery(this.#engine, this.#ns, true);
    this.#listen();
    // The first page view happened when init() was called: it goes before the calls made since,
    // then the native app's user id, then those calls.
    const madeBefore = this.#calls;
    this.#calls = [];
    if (options.page !== false) {
      this.#replayedAt = this.#initAt;
      this.page();
      this.#replayedAt = 0;
    }
    if (handover && handover.userId && handover.userId !== this.#engine.userId) this.identify(handover.userId);
    this.#calls.push(...madeBefore);
    this.#started = true;
    // The calls run in the next task, so ready() resolves as soon as the SDK can take calls; a
    // call made in a ready callback queues behind the earlier ones. What starting does not need
    // comes after them: storage opens, the anonymous id cookie is written (document.cookie is a
    // synchronous round trip to the browser), delivery starts, and the time zone is read.
    setTimeout(() => this.#runCalls(), 0);
    setTimeout(() => {
      openStorage();
      if (this.#consent.decide('analytics') !== undefined) this.#rememberAnonymousId();
      this.#delivery.pump();
    }, 0);
    setTimeout(() => this.#readTimezone(), 0);
    if (options.page !== false) {
      watchNavigation(window, { hashRoutes: !!options.hashRoutes },
        (referrer) => this.#call({ type: 'page' }, undefined, true, referrer));
    }
    // Queues that closed pages left behind, once storage is open.
    this.#store.loadAll().then((all) => {
      for (const other of all.keys()) {
        if (other !== SHARED_NS && other !== this.#ns) this.#adopt(other, shared);
      }
    });
  }

  async #newEngine(config, wasmModule) {
    try {
      if (!wasmModule && this.#compiling) {
        wasmModule = await this.#compiling;
        if (!(wasmModule instanceof WebAssembly.Module)) throw wasmModule;
      }
      this.#core ||= await loadCore({ wasmUrl: this.#options.wasmUrl, wasmModule });
      const engine = new WasmEngine(this.#core, config);
      this.#status.core = 'wasm';
      return engine;
    } catch (error) {
      this.#log('core unavailable, running the pure-JS path', error);
      this.#status.core = 'lite';
      this.#degrade('core:lite', error);
      return new LiteEngine({ writeKey: config.writeKey, anonymousId: config.anonymousId, context: config.context });
    }
  }

  #newDelivery(engine, ns, main) {
    return new Delivery({
      engine, store: this.#store, ns, collector: this.#options.collector,
      fetch: (...args) => fetch(...args),
      onIdentityWrites: main ? (writes) => this.#saveIdentity(writes) : null,
      emit: (name, detail) => this.#emit(name, detail),
      log: (...args) => this.#log(...args),
    });
  }

  // The module the snippet compiled when it is the file init() wants, else a compile of our own.
  #compileWasm(url) {
    const [prefetchedUrl, compiled] = this.#prefetched || [];
    this.#prefetched = null;
    const same = prefetchedUrl && new URL(prefetchedUrl, location.href).href === new URL(url, location.href).href;
    if (!same) return compileCore(url);
    return compiled.then((module) => (module instanceof WebAssembly.Module ? module : compileCore(url)));
  }

  // The core's queue settings: the page's, over browser defaults of 16 MiB of queued events
  // (about 25,000 typical events: a burst of 10,000 calls is never cut short while it drains)
  // and, when that is full, refusing new events (their promises reject with queue_full) rather
  // than dropping acknowledged ones.
  #queueConfig() {
    return { maxQueueBytes: 16 * 1024 * 1024, overflow: 'reject_new', ...this.#options.queue };
  }

  // A queue left by a closed page: read it once this page holds it (another page may have
  // delivered it meanwhile), deliver it with an engine of its own, then remove it.
  #adopt(ns, shared) {
    if (!this.#core) return;
    adoptWhenFree(ns, async () => {
      const entries = await this.#store.load(ns);
      if (!entries.size) return this.#store.drop(ns);
      const engine = new WasmEngine(this.#core, { seed: randomSeed(), now: Date.now(),
        writeKey: this.#options.writeKey, queue: this.#queueConfig(),
        stored: { ...shared, ...Object.fromEntries(entries) } });
      const delivery = this.#newDelivery(engine, ns, false);
      this.#log('delivering a queue left by a closed page', ns);
      for (;;) {
        await delivery.flush();
        await delivery.commit();
        if (engine.next(Date.now(), true).action === 'idle') break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      engine.destroy();
      return this.#store.drop(ns);
    }).catch((error) => this.#emit('error', { code: 'delivery_failed', message: String(error) }));
  }

  #listen() {
    // Leaving: every call made so far goes into the queue now (no slicing: there is no later),
    // then everything queued goes out within the keepalive budget.
    const hide = () => {
      this.#runCalls(Infinity);
      this.#delivery.sendOnHide();
    };
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') hide();
      else this.#delivery.onShown();
    });
    window.addEventListener('pagehide', hide);
    window.addEventListener('online', () => this.#delivery.pump());
  }

  // ----- calls -----

  // Every call goes through one ordered queue that runs in a microtask: the caller pays only for
  // recording the call (its time, the page it was made on); validation, the core and storage run
  // right after, in call order, together with the other calls made in the same task. Before
  // start-up has finished, the queue waits.
  #enqueueCall(run) {
    if (!this.#ready) return Promise.reject(new OmniError('not_initialized', 'call omni.init({ writeKey, collector }) first'));
    return new Promise((resolve, reject) => {
      // The first call of an empty queue schedules the run; a slice in progress picks up the rest.
      if (this.#calls.push([run, resolve, reject]) === 1 && this.#started) queueMicrotask(() => this.#runCalls());
    });
  }

  // Runs queued calls for at most ~8 ms, then yields to the page (a burst of thousands of calls
  // must not freeze it) and goes on in the next task; later calls queue behind the rest.
  #runCalls(budgetMs = 8) {
    const until = Date.now() + budgetMs;
    let done = 0;
    const calls = this.#calls;
    while (done < calls.length) {
      const [run, resolve, reject] = calls[done++];
      this.#guard(run).then(resolve, reject);
      if (Date.now() >= until) break;
    }
    this.#calls = calls.slice(done);
    if (this.#calls.length) setTimeout(() => this.#runCalls(), 0);
  }

  #guard(run) {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(toOmniError(error));
    }
  }

  #call(fields, options = {}, isPage = false, referrer = undefined) {
    const request = { ...fields, timestamp: this.#replayedAt || Date.now() };
    if (this.#options && this.#options.debug) this.#log('call', fields.type, fields.event || fields.name || '', fields);
    if (isPage) {
      if (referrer !== undefined) this.#referrer = referrer;
      const described = describePage(window, this.#referrer);
      request.page = described.page;
      request.properties = { ...described.properties, ...request.properties };
    } else {
      // Every event says where it happened (context.page, campaign and channel), as Segment's do.
      request.page = { url: location.href, referrer: this.#referrer, title: document.title };
    }
    const context = options && isObject(options.context) ? options.context : null;
    const category = (options && options.consent) || 'analytics';
    return this.#enqueueCall(() => {
      // The static context (library, userAgent, ...) was given to the engine once, at start.
      if (context) request.context = context;
      if (this.#timezone && !(context && context.timezone)) request.context = { ...context, timezone: this.#timezone };
      if (this.#options.debug) request.echo = true;
      request.now = Date.now();
      return this.#submit(category, request);
    });
  }

  #submit(category, request) {
    const decision = this.#consent.decide(category);
    if (decision === false) {
      this.#log('dropped (no consent for ' + category + ')', request.type, request.event || '');
      return { queued: false, reason: 'consent' };
    }
    if (decision === undefined) {
      return new Promise((resolve) => this.#held.push([category, request, resolve]));
    }
    for (const middleware of this.#middlewares) {
      let changed;
      try {
        changed = middleware({ ...request });
      } catch (error) {
        this.#emit('error', { code: 'middleware_failed', message: String(error && error.message || error) });
        continue;
      }
      if (changed === null || changed === false) return { queued: false, reason: 'middleware' };
      if (isObject(changed)) request = { ...changed, now: request.now, timestamp: request.timestamp };
    }
    let queued;
    try {
      queued = this.#engine.enqueue(request);
    } catch (error) {
      if (error.code !== 'core_trapped') throw error;
      return this.#recover().then(() => this.#submit(category, request));
    }
    this.#log('queued', queued.event || queued.messageId);
    return this.#delivery.persisted().then(() => ({ queued: true, messageId: queued.messageId }));
  }

  // The wasm trapped: its memory can no longer be trusted. Build a new instance from what is
  // committed to storage and carry on; calls whose writes were not committed yet reject (their
  // events were never acknowledged), every committed event is still queued.
  #recover() {
    this.#recovering ||= (async () => {
      this.#degrade('core:restarted');
      const compiled = this.#core && this.#core.wasmModule;
      this.#core = null;
      await this.#delivery.commit();
      const all = await this.#store.loadAll();
      const stored = { ...Object.fromEntries(all.get(SHARED_NS) || []), ...Object.fromEntries(all.get(this.#ns) || []) };
      this.#engine = await this.#newEngine({ seed: randomSeed(), now: Date.now(),
        writeKey: this.#options.writeKey, stored, queue: this.#queueConfig(), context: this.#context }, compiled);
      this.#delivery.engine = this.#engine;
      this.#delivery.pump();
    })().finally(() => { this.#recovering = null; });
    return this.#recovering;
  }

  #setConsent(categories) {
    if (!isObject(categories)) {
      return Promise.reject(new OmniError('invalid_argument', 'consent.set needs { category: true|false }'));
    }
    return this.#enqueueCall(() => {
      this.#consent.set(categories);
      if (this.#consent.decide('analytics')) this.#rememberAnonymousId();
      const held = this.#held.splice(0);
      return Promise.all(held.map(([category, request, resolve]) => {
        const result = this.#consent.decide(category) === undefined
          ? new Promise((again) => this.#held.push([category, request, again]))
          : this.#guard(() => this.#submit(category, request));
        return result.then(resolve, (error) => {
          this.#emit('error', { code: error.code, message: error.message });
          resolve({ queued: false, reason: error.code });
        });
      })).then(() => undefined);
    });
  }

  // After start-up: the browser's time zone, for every event from now on (and the next visit's
  // first ones) when it is not the one the static context already carries.
  #readTimezone() {
    let timezone;
    try {
      timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      return;  // no Intl time zone data
    }
    if (!timezone || timezone === this.#context.timezone) return;
    this.#timezone = timezone;
    if (this.#consent.decide('analytics') === undefined) return;  // nothing stored before consent
    try {
      localStorage.setItem(TIMEZONE_KEY, timezone);
    } catch {
      // Without localStorage the next visit reads it again.
    }
  }

  // ----- identity -----

  #rememberAnonymousId() {
    const id = this.#engine.anonymousId;
    try {
      writeAnonymousIdCookie(id, { domain: this.#options.cookieDomain });
    } catch {
      // Cookies disabled: local storage alone keeps the id.
    }
    announceAnonymousId(id);
  }

  #saveIdentity(writes) {
    for (const write of writes) if (write.put === 'id/traits') this.#loadTraits(write.value);
    // localStorage when there is one: the next page reads the identity from there at once.
    return this.#store.applyNow(SHARED_NS, writes);
  }

  #loadTraits(text) {
    try {
      const traits = text ? JSON.parse(text) : {};
      this.#traits = isObject(traits) ? traits : {};
    } catch {
      this.#traits = {};
    }
  }

  // ----- reporting -----

  #degrade(reason, error) {
    if (!this.#status.degraded.includes(reason)) this.#status.degraded.push(reason);
    this.#emit('degraded', { reason, message: error ? String(error.message || error) : reason });
  }

  #emit(name, detail) {
    if (name === 'error') this.#log('error', detail);
    for (const callback of this.#listeners[name] || []) this.#safely(() => callback(detail));
  }

  #safely(callback) {
    try {
      callback(this);
    } catch (error) {
      setTimeout(() => { throw error; });
    }
  }

  #log(...args) {
    if (this.#options && this.#options.debug) console.log('[omni]', ...args);
  }
}
