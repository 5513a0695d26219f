// Writes the benchmark's static site, served by the collector from one origin:
//   /omni.html       the block a storefront pastes (web/scripts/site.mjs snippetTag: preload hints,
//                    the inline snippet web/dist/snippet.min.js, omni.init()); the snippet loads
//                    /omni.js and compiles /omni.wasm
//   /baseline.html   bench/browser/baseline.js loaded the way the pasted block loads omni.js: a
//                    preload hint and an inline loader that inserts an async script
//   /baseline-blocking.html  the same tracker by a blocking script tag (ready time only: it
//                    tells how much loading asynchronously itself costs)
//   /segment.html    @segment/analytics-next's UMD build with inline cdnSettings; its lazily
//                    loaded chunks come from /segment/analytics-next/bundles/ on the same origin
//   /profile/omni.html  the same SDK with an unminified facade (and a wasm with function names
//                    when one was linked), for readable CPU profiles only: never timed
// Every page sets window.benchReadyAt (ms since performance.timeOrigin) when its tracker is ready.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

// esbuild is the web package's dev dependency; the bench uses that copy.
const { build } = createRequire(resolve(import.meta.dirname, '..', '..', 'web', 'package.json'))('esbuild');
const { snippetTag } = await import('../../web/scripts/site.mjs');

const page = (title, head) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
${head}
</head>
<body><h1>${title}</h1></body>
</html>
`;

const inline = (code) => '<script>\n' + code.trim() + '\n</script>';

// The settings Segment's CDN would serve for a source whose only destination is Segment.io,
// pointed at the collector. Remote metrics are off: they would go to Segment's API.
export function segmentCdnSettings({ writeKey, host }) {
  return {
    integrations: { 'Segment.io': { apiKey: writeKey, apiHost: host + '/v1', protocol: 'http' } },
    plan: { track: {}, identify: {}, group: {} },
    metrics: { sampleRate: 0 },
    middlewareSettings: {},
    enabledMiddleware: {},
    remotePlugins: [],
    legacyVideoPluginsEnabled: false,
  };
}

export async function writeBenchSite(dir, { origin, writeKey, paths }) {
  mkdirSync(dir, { recursive: true });
  const snippet = readFileSync(join(paths.dist, 'snippet.min.js'), 'utf8');
  const init = JSON.stringify({ writeKey, collector: origin });
  const omniReady = 'omni.ready().then(function () { window.benchReadyAt = performance.now(); });';

  copyFileSync(join(paths.dist, 'omni.js'), join(dir, 'omni.js'));
  copyFileSync(join(paths.dist, 'omni.wasm'), join(dir, 'omni.wasm'));
  writeFileSync(join(dir, 'omni.html'), page('omni',
    snippetTag(snippet, { writeKey, collector: origin }) + '\n' + inline(omniReady)));

  copyFileSync(join(paths.bench, 'baseline.js'), join(dir, 'baseline.js'));
  writeFileSync(join(dir, 'baseline.html'), page('baseline',
    '<link rel="preload" href="/baseline.js" as="script">\n' +
    inline(`var script = document.createElement('script');
script.async = true;
script.src = '/baseline.js';
script.onload = function () { baseline.init(${init}); window.benchReadyAt = performance.now(); };
document.head.appendChild(script);`)));
  writeFileSync(join(dir, 'baseline-blocking.html'), page('baseline, blocking script',
    '<script src="/baseline.js"></script>\n' +
    inline(`baseline.init(${init});\nwindow.benchReadyAt = performance.now();`)));

  // The UMD build sets its chunk path once, when it runs, from window.analytics._cdn (the
  // documented way to serve analytics.js from your own host), else from Segment's CDN.
  const bundles = join(dir, 'segment', 'analytics-next', 'bundles');
  mkdirSync(bundles, { recursive: true });
  for (const name of readdirSync(paths.segmentUmd)) {
    if (name.endsWith('.js')) copyFileSync(join(paths.segmentUmd, name), join(bundles, name));
  }
  const host = new URL(origin).host;
  const settings = JSON.stringify({ writeKey, cdnURL: origin + '/segment',
    cdnSettings: segmentCdnSettings({ writeKey, host }) });
  writeFileSync(join(dir, 'segment.html'), page('segment',
    inline(`window.analytics = { _cdn: ${JSON.stringify(origin + '/segment')} };`) + '\n' +
    '<script src="/segment/analytics-next/bundles/index.js"></script>\n' +
    inline(`window.segmentBrowser = AnalyticsNext.AnalyticsBrowser.load(${settings});
segmentBrowser.ready(function () { window.benchReadyAt = performance.now(); });
segmentBrowser.then(function (loaded) { window.segment = loaded[0]; });`)));

  // Unminified facade for the CPU profile, built like web/scripts/build.mjs builds omni.js, with
  // paths.profileWasmDir's wasm (the release one, or the same objects linked with function names).
  const profile = join(dir, 'profile');
  mkdirSync(profile, { recursive: true });
  await build({
    entryPoints: [join(paths.web, 'src', 'entry-script.js')], bundle: true, minify: false,
    format: 'iife', target: 'es2022', outfile: join(profile, 'omni.js'), logLevel: 'error',
    define: { OMNI_WASM_FILE: '"omni.wasm"' },
  });
  copyFileSync(join(paths.profileWasmDir, 'omni.wasm'), join(profile, 'omni.wasm'));
  const profileInit = { writeKey, collector: origin, sdkUrl: origin + '/profile/omni.js',
    wasmUrl: origin + '/profile/omni.wasm' };
  writeFileSync(join(profile, 'omni.html'), page('omni (profile build)',
    snippetTag(snippet, profileInit) + '\n' + inline(omniReady)));
  return { snippetBytes: Buffer.byteLength(snippet) };
}
