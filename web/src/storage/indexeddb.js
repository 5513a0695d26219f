// IndexedDB backend, as a log: each apply() appends ONE record [namespace, seq] holding that
// commit's writes, so a commit of any number of events costs one put, never a rewrite of the
// queue (a put per event cost ~100 µs of main-thread time in Chromium). Start-up replays a
// namespace's records in order. When a namespace has gathered COMPACT_AFTER records, one
// transaction replays them and replaces them with a single record of the live entries:
// amortized O(1) per commit. A promise from apply() resolves when its transaction has committed.
const STORE = 'log';
const COMPACT_AFTER = 128;

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

const done = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onerror = tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
});

const range = (ns) => IDBKeyRange.bound([ns, -Infinity], [ns, Infinity]);

const replay = (entries, writes) => {
  for (const write of writes) {
    if (write.put !== undefined) entries.set(write.put, write.value);
    else entries.delete(write.erase);
  }
  return entries;
};

// Opening can hang in some webviews and fails in private modes; the caller gives up after
// `timeoutMs` and falls back.
export async function openIndexedDb(name = 'omni', timeoutMs = 3000) {
  if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('no IndexedDB');
  const open = indexedDB.open(name, 2);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (db.objectStoreNames.contains('kv')) db.deleteObjectStore('kv');  // the layout before the log
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
  };
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
    this.next = new Map();     // namespace -> next sequence number
    this.records = new Map();  // namespace -> records in its log
    // Another tab upgrading the schema closes this connection instead of blocking it.
    db.onversionchange = () => db.close();
  }

  // Every namespace's entries: Map<namespace, Map<key, value>>.
  async loadAll() {
    const store = this.db.transaction(STORE, 'readonly').objectStore(STORE);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    const all = new Map();
    keys.forEach(([ns, seq], i) => {
      if (!all.has(ns)) all.set(ns, new Map());
      replay(all.get(ns), values[i]);
      this.next.set(ns, seq + 1);
      this.records.set(ns, (this.records.get(ns) || 0) + 1);
    });
    return all;
  }

  // One namespace's entries, read now (a queue adopted from a closed page); its log continues
  // after the records read.
  async load(ns) {
    const store = this.db.transaction(STORE, 'readonly').objectStore(STORE);
    const [keys, values] = await Promise.all([request(store.getAllKeys(range(ns))), request(store.getAll(range(ns)))]);
    if (keys.length) this.next.set(ns, Math.max(this.next.get(ns) || 0, keys[keys.length - 1][1] + 1));
    this.records.set(ns, keys.length);
    return values.reduce(replay, new Map());
  }

  apply(ns, writes) {
    const seq = this.next.get(ns) || 0;
    this.next.set(ns, seq + 1);
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(writes, [ns, seq]);
    const committed = done(tx);
    const records = (this.records.get(ns) || 0) + 1;
    this.records.set(ns, records);
    if (records >= COMPACT_AFTER) this.#compact(ns);
    return committed;
  }

  // Queued behind every apply() made so far (IndexedDB runs readwrite transactions on one store
  // in the order they were created), so it sees them all.
  #compact(ns) {
    const seq = this.next.get(ns);
    this.next.set(ns, seq + 1);
    this.records.set(ns, 1);
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const read = store.getAll(range(ns));
    read.onsuccess = () => {
      const live = read.result.reduce(replay, new Map());
      store.delete(range(ns));
      store.put([...live].map(([key, value]) => ({ put: key, value })), [ns, seq]);
    };
    done(tx).catch(() => this.records.set(ns, COMPACT_AFTER));  // try again after the next commit
  }

  drop(ns) {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(range(ns));
    this.next.delete(ns);
    this.records.delete(ns);
    return done(tx);
  }
}
