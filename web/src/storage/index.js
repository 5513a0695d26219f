// The facade's persistent store: IndexedDB, else localStorage, else memory (private modes,
// webviews with storage disabled). When the active backend fails a write (quota, eviction), the
// same writes go to the next one and the store stays there: what was committed before stays
// where it is, and start-up reads every backend that opens, later ones winning.
import { openIndexedDb } from './indexeddb.js';
import { openLocalStorage } from './local-storage.js';
import { openMemory } from './memory.js';

const attempt = async (open) => {
  try {
    return await open();
  } catch {
    return null;
  }
};

// A store that takes writes before it has opened: they wait, in order, for the open and for
// `held` (this page's namespace lock). The open begins once `after` settles: the page starts
// without waiting for IndexedDB, whose first open in a browser profile takes 15-80 ms, and
// without its main-thread cost. applyNow() before the open writes to localStorage directly.
// `kind` is 'none' until the open has settled.
export function openStoreInBackground(options, held, after = Promise.resolve()) {
  const opened = after.then(() => Promise.all([openStore(options), held]));
  return new PendingStore(opened.then(([store]) => store));
}

// The identity (the shared namespace) from localStorage, synchronously; null without it.
export function readSharedNow(ns) {
  try {
    return openLocalStorage().loadSync(ns);
  } catch {
    return null;
  }
}

class PendingStore {
  constructor(opening) {
    this.store = null;
    this.opening = opening.then((store) => (this.store = store));
  }

  get kind() { return this.store ? this.store.kind : 'none'; }
  #when(use) { return this.store ? use(this.store) : this.opening.then(use); }
  loadAll() { return this.#when((store) => store.loadAll()); }
  load(ns) { return this.#when((store) => store.load(ns)); }
  apply(ns, writes) { return this.#when((store) => store.apply(ns, writes)); }
  drop(ns) { return this.#when((store) => store.drop(ns)); }

  applyNow(ns, writes) {
    if (this.store) return this.store.applyNow(ns, writes);
    try {
      openLocalStorage().applySync(ns, writes);
      return Promise.resolve();
    } catch {
      return this.apply(ns, writes);
    }
  }
}

export async function openStore({ storage = 'auto', onDegraded = () => {} } = {}) {
  const backends = [];
  if (storage === 'auto' || storage === 'indexeddb') backends.push(await attempt(openIndexedDb));
  if (storage === 'auto' || storage === 'localstorage') backends.push(await attempt(openLocalStorage));
  const durable = backends.filter(Boolean);
  if (!durable.length || durable[0].kind !== 'indexeddb' && storage === 'auto') {
    onDegraded(durable.length ? 'storage:' + durable[0].kind : 'storage:memory');
  }
  return new Store([...durable, openMemory()], onDegraded);
}

class Store {
  constructor(backends, onDegraded) {
    this.backends = backends;
    this.onDegraded = onDegraded;
    this.stale = [];  // backends holding data that is no longer written: they still get erases
  }

  get kind() { return this.backends[0].kind; }
  get durable() { return this.kind !== 'memory'; }

  async loadAll() {
    const merged = new Map();
    for (const backend of this.backends) {
      const all = await attempt(() => backend.loadAll());
      if (!all || !all.size) continue;
      if (backend !== this.backends[0]) this.stale.push(backend);
      for (const [ns, entries] of all) {
        if (!merged.has(ns)) merged.set(ns, new Map());
        for (const [key, value] of entries) merged.get(ns).set(key, value);
      }
    }
    return merged;
  }

  // One namespace's entries from every backend, later ones winning.
  async load(ns) {
    const merged = new Map();
    for (const backend of [...this.backends, ...this.stale]) {
      const entries = await attempt(() => backend.load(ns));
      if (entries) for (const [key, value] of entries) merged.set(key, value);
    }
    return merged;
  }

  // Resolves once the writes are committed by some backend; moves down the list on failure.
  async apply(ns, writes) {
    if (this.stale.length) this.#erase(this.stale, ns, writes);
    for (;;) {
      try {
        return await this.backends[0].apply(ns, writes);
      } catch (error) {
        if (this.backends.length === 1) throw error;
        const failed = this.backends.shift();
        this.onDegraded('storage:' + this.kind, error);
        // Erases must reach the failed backend too, or the events come back on the next visit
        // (the collector would deduplicate them, but they would be sent again).
        this.stale.push(failed);
        this.#erase([failed], ns, writes);
      }
    }
  }

  // For a page that is closing: IndexedDB transactions started now never commit, so the writes
  // go to a backend that writes synchronously (localStorage) when there is one; it is read at the
  // next start like any other, and gets the erases from then on. Otherwise as apply().
  applyNow(ns, writes) {
    const sync = this.backends.find((backend) => backend.applySync);
    if (!sync) return this.apply(ns, writes);
    try {
      sync.applySync(ns, writes);
    } catch (error) {
      return this.apply(ns, writes);
    }
    if (sync !== this.backends[0] && !this.stale.includes(sync)) this.stale.push(sync);
    return Promise.resolve();
  }

  #erase(backends, ns, writes) {
    const erases = writes.filter((write) => write.erase !== undefined);
    if (erases.length) backends.forEach((backend) => backend.apply(ns, erases).catch(() => {}));
  }

  drop(ns) {
    return Promise.all([...this.backends, ...this.stale].map((backend) => attempt(() => backend.drop(ns))));
  }
}
