// The benchmark's floor for "how cheap can a track() call be": a plain-JS tracker that builds
// Segment-like events into an in-memory queue and posts them to the collector's /v1/batch in
// batches. It has no persistence, no validation and no retry: what it loses when the tab closes
// or the network fails is gone. Usage: baseline.init({ writeKey, collector }); baseline.track(name, props).
(function (w) {
  'use strict';
  var BATCH_EVENTS = 100;     // a batch is sent as soon as this many events wait
  var FLUSH_AFTER_MS = 1000;  // or when the oldest has waited this long
  var queue = [];
  var timer = 0;
  var soon = false;           // the pending timer is the immediate one
  var settings = null;
  var anonymousId = crypto.randomUUID();

  function post(events, keepalive) {
    // text/plain keeps the request "simple" (no preflight); the write key travels in the body.
    var body = JSON.stringify({ batch: events, sentAt: new Date().toISOString(), writeKey: settings.writeKey });
    return fetch(settings.collector + '/v1/batch', {
      method: 'POST', body: body, keepalive: keepalive, credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
    }).catch(function () {});
  }

  function flush(keepalive) {
    clearTimeout(timer);
    timer = 0;
    soon = false;
    while (queue.length) post(queue.splice(0, BATCH_EVENTS), !!keepalive);
  }

  function schedule() {
    if (queue.length >= BATCH_EVENTS) {
      if (soon) return;
      clearTimeout(timer);
      soon = true;
      timer = setTimeout(flush, 0);  // never send inside the caller's track()
    } else if (!timer) {
      timer = setTimeout(flush, FLUSH_AFTER_MS);
    }
  }

  function track(event, properties) {
    queue.push({
      type: 'track', event: event, properties: properties || {},
      messageId: crypto.randomUUID(), timestamp: new Date().toISOString(), anonymousId: anonymousId,
      context: {
        page: { path: location.pathname, referrer: document.referrer, search: location.search,
          title: document.title, url: location.href },
        library: { name: 'baseline', version: '1' },
      },
    });
    schedule();
  }

  w.baseline = {
    init: function (options) {
      settings = { writeKey: options.writeKey, collector: String(options.collector).replace(/\/+$/, '') };
      // Leaving the page: what is queued goes out with keepalive (at most 64 KB in flight).
      w.addEventListener('pagehide', function () { flush(true); });
    },
    track: track,
    flush: flush,
  };
})(window);
