// JSON values in localStorage, with a memory fallback.
//
// Storage can be missing or refuse writes (a webview with DOM storage off, a full quota, some
// private modes). The shop must keep working then, so every value is also kept in memory and
// simply does not outlive the page.

const memory = new Map();

function storage() {
  try {
    return window.localStorage;
  } catch {
    return undefined; // reading the property itself throws where storage is blocked
  }
}

/** The stored value, or `fallback` when there is none or it is not valid JSON. */
export function readJson(key, fallback) {
  const local = storage();
  try {
    const raw = local ? local.getItem(key) : null;
    if (raw !== null) return JSON.parse(raw);
  } catch {
    // unreadable or corrupt: fall through to the copy in memory
  }
  return memory.has(key) ? memory.get(key) : fallback;
}

export function writeJson(key, value) {
  memory.set(key, value);
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // quota or policy: the copy in memory serves this page
  }
}

export function removeKey(key) {
  memory.delete(key);
  try {
    storage()?.removeItem(key);
  } catch {
    // nothing to undo
  }
}
