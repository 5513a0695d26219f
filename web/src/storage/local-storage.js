// localStorage backend (IndexedDB missing or failing): one item per key, "omni|<ns>|<key>".
// Writes are synchronous; a quota error rejects the whole apply after undoing nothing it did not
// do (items already set stay, and are harmless: the core rewrites or erases them).
const PREFIX = 'omni|';

export function openLocalStorage(storage = globalThis.localStorage) {
  const probe = PREFIX + 'probe';
  storage.setItem(probe, '1');
  storage.removeItem(probe);
  return new LocalStorageBackend(storage);
}

class LocalStorageBackend {
  constructor(storage) {
    this.kind = 'localstorage';
    this.storage = storage;
  }

  async loadAll() {
    const all = new Map();
    for (let i = 0; i < this.storage.length; i++) {
      const item = this.storage.key(i);
      if (!item || !item.startsWith(PREFIX)) continue;
      const split = item.indexOf('|', PREFIX.length);
      const ns = item.slice(PREFIX.length, split);
      if (!all.has(ns)) all.set(ns, new Map());
      all.get(ns).set(item.slice(split + 1), this.storage.getItem(item));
    }
    return all;
  }

  async load(ns) {
    return this.loadSync(ns);
  }

  // One namespace's entries, read at once (the identity at start-up: no waiting for IndexedDB).
  loadSync(ns) {
    const prefix = PREFIX + ns + '|';
    const entries = new Map();
    for (let i = 0; i < this.storage.length; i++) {
      const item = this.storage.key(i);
      if (item && item.startsWith(prefix)) entries.set(item.slice(prefix.length), this.storage.getItem(item));
    }
    return entries;
  }

  async apply(ns, writes) {
    this.applySync(ns, writes);
  }

  // Synchronous, so it can run while the page is being closed (an IndexedDB transaction started
  // then never commits).
  applySync(ns, writes) {
    for (const write of writes) {
      if (write.put !== undefined) this.storage.setItem(PREFIX + ns + '|' + write.put, write.value);
      else this.storage.removeItem(PREFIX + ns + '|' + write.erase);
    }
  }

  async drop(ns) {
    const prefix = PREFIX + ns + '|';
    const doomed = [];
    for (let i = 0; i < this.storage.length; i++) {
      const item = this.storage.key(i);
      if (item && item.startsWith(prefix)) doomed.push(item);
    }
    doomed.forEach((item) => this.storage.removeItem(item));
  }
}
