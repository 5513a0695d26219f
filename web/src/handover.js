// Ids a native app hands to its webview, so the app and the webview count as one device:
//   window.omniNativeHandover = {anonymousId, userId, expiresAt}   (iOS: a WKUserScript)
//   window.OmniAndroid.handover() -> the same object as JSON          (Android: a JS interface)
//   ?omni_anonymous_id=&omni_user_id=&omni_expires=<epoch ms>        (any app, or a link)
// A hand-over without an expiry in the future is ignored, so a copied link does not carry an
// identity to someone else; URL parameters are removed from the address bar once read.
// A user id received this way is a claim: it labels events and links nothing by itself.
const PARAMS = ['omni_anonymous_id', 'omni_user_id', 'omni_expires'];

const valid = (id) => typeof id === 'string' && id.length > 0 && id.length <= 256;

function fromBridge(win) {
  if (win.omniNativeHandover) return win.omniNativeHandover;
  const android = win.OmniAndroid;
  if (android && typeof android.handover === 'function') {
    try {
      return JSON.parse(android.handover());
    } catch {
      return null;
    }
  }
  return null;
}

function fromUrl(win, consume) {
  const url = new URL(win.location.href);
  const params = url.searchParams;
  if (!PARAMS.some((name) => params.has(name))) return null;
  const found = {
    anonymousId: params.get('omni_anonymous_id'),
    userId: params.get('omni_user_id'),
    expiresAt: Number(params.get('omni_expires')),
  };
  if (!consume) return found;
  PARAMS.forEach((name) => params.delete(name));
  try {
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
  } catch {
    // A sandboxed page may refuse; the ids were read either way.
  }
  return found;
}

// {anonymousId?, userId?} from the native app, or null. `consume` removes URL parameters.
export function readHandover(win = window, now = Date.now(), consume = true) {
  // URL parameters are read (and removed) even when a bridge answers, so they never linger.
  const fromLink = fromUrl(win, consume);
  const found = fromBridge(win) || fromLink;
  if (!found || !(Number(found.expiresAt) > now)) return null;
  const ids = {};
  if (valid(found.anonymousId)) ids.anonymousId = found.anonymousId;
  if (valid(found.userId)) ids.userId = found.userId;
  return ids.anonymousId || ids.userId ? ids : null;
}

// Tells an iOS app which anonymous id the webview uses (it may have created it first).
export function announceAnonymousId(id, win = window) {
  const handler = win.webkit && win.webkit.messageHandlers && win.webkit.messageHandlers.omni;
  if (handler) {
    try {
      handler.postMessage({ type: 'anonymousId', value: id });
    } catch {
      // The app removed its handler; nothing to tell.
    }
  }
}
