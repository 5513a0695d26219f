// The anonymous id's first-party cookie. It is set on the registrable domain ("shop.example" for
// "www.shop.example") so every subdomain of the site reads the same id; when the cookie and local
// storage disagree, the cookie wins. The registrable domain is found the way browsers allow it:
// the widest domain on which a test cookie can be set (a public suffix such as "co.uk" refuses).
const NAME = 'omni_aid';
const YEAR_S = 365 * 24 * 3600;

const isIpOrLocal = (host) => !host.includes('.') || /^[\d.]+$/.test(host) || host.includes(':');

export function registrableDomain(doc = document) {
  const host = doc.location.hostname;
  if (isIpOrLocal(host)) return '';
  const labels = host.split('.');
  for (let i = labels.length - 2; i >= 0; i--) {
    const candidate = labels.slice(i).join('.');
    const probe = 'omni_probe=' + Math.random().toString(36).slice(2);
    doc.cookie = probe + '; Path=/; Domain=' + candidate;
    const accepted = doc.cookie.includes(probe);
    doc.cookie = probe.split('=')[0] + '=; Path=/; Max-Age=0; Domain=' + candidate;
    if (accepted) return candidate;
  }
  return '';
}

// The cookie's raw value → the id, or '' when it is not one we could have written.
export function anonymousIdFromCookieValue(raw) {
  let value;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return '';
  }
  return value.length > 0 && value.length <= 256 ? value : '';
}

export function readAnonymousIdCookie(doc = document) {
  for (const part of doc.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === NAME) return anonymousIdFromCookieValue(rest.join('='));
  }
  return '';
}

// The same read without blocking the page: `document.cookie` is a synchronous round trip to the
// browser's cookie store (10 ms and more on a busy phone, on the path to ready), the Cookie Store
// API an asynchronous one. `started` is the read the snippet began while omni.js downloaded (a
// promise of the raw value, undefined when it failed). Falls back to document.cookie.
export async function readAnonymousIdCookieAsync(started, doc = document) {
  try {
    const raw = started ? await started
      : globalThis.cookieStore ? await globalThis.cookieStore.get(NAME).then((c) => (c ? c.value : ''))
        : undefined;
    if (typeof raw === 'string') return anonymousIdFromCookieValue(raw);
  } catch {
    // The Cookie Store refused (an opaque origin, a sandboxed frame): ask document.cookie.
  }
  return readAnonymousIdCookie(doc);
}

// `domain`: the configured cookie domain, '' for host-only, undefined to detect it.
export function writeAnonymousIdCookie(id, { domain, doc = document } = {}) {
  const where = domain === undefined ? registrableDomain(doc) : domain;
  const secure = doc.location.protocol === 'https:' ? '; Secure' : '';
  doc.cookie = NAME + '=' + encodeURIComponent(id) + '; Path=/; Max-Age=' + YEAR_S + '; SameSite=Lax' +
    (where ? '; Domain=' + where : '') + secure;
}
