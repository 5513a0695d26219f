// IndexedDB backend: one object store of [namespace, key] -> value strings. One transaction per
// apply(), resolved on `complete`, so a promise that resolves means the writes are committed.
const STORE = 'kv';

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

// Opening can hang in some webviews and fails in private modes; the caller gives up after
// `timeoutMs` and falls back.
export async function openIndexedDb(name = 'omni', timeoutMs = 3000) {
  if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('no IndexedDB');
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  let timer;
  const db = await Promise.race([
    request(open),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('IndexedDB open timed out')), timeoutMs); }),
  ]).finally(() => clearTimeout(timer));
  return new IndexedDbBackend(db);
}

class IndexedDbBackend {
  constructor(db) {
    this.kind = 'indexeddb';
    this.db = db;
    // Another tab upgrading the schema closes this connection instead of blocking it.
    db.onversionchange = () => db.close();
  }

  // Every namespace's entries: Map<namespace, Map<key, value>>.
  async loadAll() {
    const store = this.db.transaction(STORE, 'readonly').objectStore(STORE);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    const all = new Map();
    keys.forEach(([ns, key], i) => {
      if (!all.has(ns)) all.set(ns, new Map());
      all.get(ns).set(key, values[i]);
    });
    return all;
  }

  apply(ns, writes) {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      for (const write of writes) {
        if (write.put !== undefined) store.put(write.value, [ns, write.put]);
        else store.delete([ns, write.erase]);
      }
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
    });
  }

  drop(ns) {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(IDBKeyRange.bound([ns], [ns, []]));
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }
}
