// The last fallback: nothing survives the page, and the SDK reports itself degraded.
export function openMemory() {
  const all = new Map();
  return {
    kind: 'memory',
    async loadAll() { return all; },
    async load(ns) { return new Map(all.get(ns) || []); },
    async apply(ns, writes) {
      if (!all.has(ns)) all.set(ns, new Map());
      const entries = all.get(ns);
      for (const write of writes) {
        if (write.put !== undefined) entries.set(write.put, write.value);
        else entries.delete(write.erase);
      }
    },
    async drop(ns) { all.delete(ns); },
  };
}
