// Automatic page views: one when the SDK starts, then one per single-page-app navigation
// (history.pushState / replaceState that change the path or query, and back/forward). With
// `hashRoutes`, a change of the URL's #fragment ("#/product/1") counts as a navigation too.
// The page view is taken at once, so it is queued before the events the new view tracks while it
// renders; its title is the document's at that moment (set it before pushState to record the
// new one).
const pageKey = (location, hashRoutes) =>
  location.pathname + location.search + (hashRoutes ? location.hash : '');

export function watchNavigation(win, { hashRoutes = false } = {}, onPage) {
  let last = pageKey(win.location, hashRoutes);
  let lastUrl = win.location.href;
  const check = () => {
    const key = pageKey(win.location, hashRoutes);
    if (key === last) return;
    const referrer = lastUrl;
    last = key;
    lastUrl = win.location.href;
    onPage(referrer);
  };
  for (const method of ['pushState', 'replaceState']) {
    const original = win.history[method];
    win.history[method] = function patched(...args) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  win.addEventListener('popstate', check);
  if (hashRoutes) win.addEventListener('hashchange', check);
}

// What a page call records about the page (Segment's page properties), and what the core needs
// for context.page, campaign and channel.
export function describePage(win, referrer) {
  const { location, document: doc } = win;
  const canonical = doc.querySelector && doc.querySelector('link[rel="canonical"]');
  return {
    properties: {
      path: location.pathname,
      referrer,
      search: location.search,
      title: doc.title,
      url: canonical && canonical.href ? canonical.href : location.href,
    },
    page: { url: location.href, referrer, title: doc.title },
  };
}
