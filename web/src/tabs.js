// Which tab delivers which queue. Every page owns the queue in its own storage namespace and holds
// a Web Lock named after it for as long as it lives. Every other page of the site asks for that
// lock too; the browser grants it to one of them once the owner is gone (at once for a queue a
// closed page left), and that page delivers the queue and removes it. Without Web Locks (older browsers), a page renews a lease in localStorage instead,
// and a queue whose lease ran out is adopted.
const LEASE_MS = 15000;
const locks = () => (typeof navigator !== 'undefined' && navigator.locks) || null;
const leaseKey = (ns) => 'omni-lease|' + ns;

const newNamespace = () => 'q' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);

// This page's namespace, and a promise that resolves once it is held (write nothing there
// before: another page could take the namespace for a queue left behind). The lock is asked for
// once `after` settles: the SDK starts first, and nothing is written there before it is held.
export function claimOwnNamespace(after = Promise.resolve()) {
  const ns = newNamespace();
  if (locks()) {
    const held = after.then(() => new Promise((resolve) => {
      locks().request('omni:' + ns, () => {
        resolve(ns);
        return new Promise(() => {});  // held until the page goes away
      });
    }));
    return { ns, held };
  }
  const renew = () => {
    try {
      localStorage.setItem(leaseKey(ns), String(Date.now() + LEASE_MS));
    } catch {
      // No localStorage: no other page can adopt this queue while it lives either.
    }
  };
  const held = after.then(() => {
    renew();
    setInterval(renew, LEASE_MS / 3);
    return ns;
  });
  return { ns, held };
}

// Runs `deliver(ns)` once this page holds the namespace: at once for a queue left by a closed
// page, or when its page closes (the request waits; the browser grants it to exactly one page).
// Without Web Locks only a queue whose lease ran out is taken, when this page starts.
export function adoptWhenFree(ns, deliver) {
  if (locks()) return locks().request('omni:' + ns, () => deliver(ns));
  try {
    if (Number(localStorage.getItem(leaseKey(ns))) > Date.now()) return Promise.resolve();
    localStorage.setItem(leaseKey(ns), String(Date.now() + 10 * LEASE_MS));
  } catch {
    return Promise.resolve();
  }
  return Promise.resolve(deliver(ns)).finally(() => {
    try {
      localStorage.removeItem(leaseKey(ns));
    } catch {
      // Nothing to release.
    }
  });
}
