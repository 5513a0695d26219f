// The inline snippet a page pastes in its <head> (built to dist/snippet.min.js, under 1.5 KB).
// It defines window.omni at once: every method records the call with its time and returns a
// promise the SDK settles when it replays the call; omni.init() also loads the SDK
// asynchronously (from options.sdkUrl, or <collector>/omni.js). The page then calls, e.g.:
//   omni.init({ writeKey: 'wk_...', collector: 'https://collect.shop.example' });
//   omni.track('Newsletter Shown');
(function (w, d) {
  var omni = (w.omni = w.omni || []);
  if (!Array.isArray(omni) || omni.snippet) return;
  omni.snippet = 1;
  var stub = function (method) {
    return function () {
      var call = [method, [].slice.call(arguments), Date.now()];
      omni.push(call);
      return new Promise(function (resolve, reject) {
        call.push(resolve, reject);
      });
    };
  };
  'track page identify alias group reset flush ready on addMiddleware'.split(' ').forEach(function (method) {
    omni[method] = stub(method);
  });
  omni.consent = { set: stub('consent.set') };
  // Who this is, before the SDK has loaded: the anonymous id from the site's cookie.
  omni.anonymousId = function () {
    var found = d.cookie.match(/(?:^|; )omni_aid=([^;]*)/);
    return found ? decodeURIComponent(found[1]) : null;
  };
  omni.user = function () {
    return { anonymousId: omni.anonymousId(), userId: null, traits: {} };
  };
  var record = stub('init');
  omni.init = function (options) {
    var base = String(options && options.collector).replace(/\/+$/, '');
    var wasm = options && (options.wasmUrl || (!options.sdkUrl && base + '/omni.wasm'));
    // The core downloads and compiles while omni.js downloads; the SDK takes the compiled module
    // (or, if this failed, tries again itself and reports why).
    if (wasm && w.WebAssembly && WebAssembly.compileStreaming) {
      omni.wasm = [wasm, WebAssembly.compileStreaming(fetch(wasm, { credentials: 'same-origin' }))['catch'](function () {})];
    }
    var script = d.createElement('script');
    script.async = true;
    script.src = (options && options.sdkUrl) || base + '/omni.js';
    if (options && options.sdkIntegrity) {
      script.integrity = options.sdkIntegrity;
      script.crossOrigin = 'anonymous';
    }
    d.head.appendChild(script);
    // The anonymous id cookie, read without blocking the page while omni.js downloads.
    if (w.cookieStore) {
      omni.aid = cookieStore.get('omni_aid').then(function (c) {
        return c ? c.value : '';
      }, function () {});
    }
    return record.apply(null, arguments);
  };
})(window, document);
