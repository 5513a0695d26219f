// The browser SDK benchmark (run it with bench/browser/run; docs/benchmarks.md, "Browser SDK",
// explains the figures). One release collector on 127.0.0.1 serves three pages from one origin,
// each with one tracker: omni (the snippet + omni.js + omni.wasm), baseline (a plain-JS
// tracker, the floor) and segment (@segment/analytics-next). Headless Debian Chromium measures,
// for each, in the same run: bytes to track, the synchronous cost of track(), the time to ready,
// the heap after 10,000 events, how many of them the collector stored, and what survives
// closing the tab 50 ms after 100 calls. Then a CPU profile of omni's burst.
//
// Usage: node bench/browser/bench.mjs [--out FILE]   (default build/browser-bench/results.json)
// Environment: OMNI_COLLECTOR (default build/native-release/server/omni-collector),
// OMNI_CHROMIUM (default /usr/bin/chromium), OMNI_WASM_DIR (default build/wasm-release/sdk/wasm),
// OMNI_BENCH_LOADS (fresh page loads per tracker for the ready time, default 11),
// OMNI_BENCH_CLOSE_TRIALS (tab-close trials per tracker, default 1; the table shows the worst).
// Exits 0 when the measurements ran, budgets met or not (misses are printed as OVER BUDGET);
// non-zero only when the bench itself could not run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { startCollector } from './collector.mjs';
import { burst, captureWasmMemories, countOmniErrors, loadTimings, settlePending, timerResolutionUs,
  trackMany, wasmMemoryBytes } from './in-page.mjs';
import { exportedWasmNames, summarizeProfile } from './profile.mjs';
import { checkBudgets, median, printReport, quantile } from './report.mjs';
import { writeBenchSite } from './site.mjs';

const bench = import.meta.dirname;
const root = resolve(bench, '..', '..');
const web = join(root, 'web');
const paths = {
  root, web, bench,
  dist: join(web, 'dist'),
  wasmDir: resolve(process.env.OMNI_WASM_DIR || join(root, 'build', 'wasm-release', 'sdk', 'wasm')),
  segmentUmd: join(bench, 'node_modules', '@segment', 'analytics-next', 'dist', 'umd'),
  collector: process.env.OMNI_COLLECTOR || join(root, 'build', 'native-release', 'server', 'omni-collector'),
  // bench/browser/run links the release objects again with --profiling-funcs here when it can.
  profileWasmDir: join(root, 'build', 'browser-bench', 'wasm-profile'),
};
const profileWasmDir = existsSync(join(paths.profileWasmDir, 'omni.wasm')) ? paths.profileWasmDir : paths.wasmDir;
const outIndex = process.argv.indexOf('--out');
const outFile = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'build', 'browser-bench', 'results.json'));
const LOADS = Number(process.env.OMNI_BENCH_LOADS || 11);
const CLOSE_TRIALS = Number(process.env.OMNI_BENCH_CLOSE_TRIALS || 1);
const BURST = { chunks: 100, perChunk: 100 };
const BURST_EVENTS = BURST.chunks * BURST.perChunk;
const TRACKERS = ['omni', 'baseline', 'segment'];
// Measured for ready time only, beside the trackers: the baseline by a blocking script tag, so
// the report can tell the cost of loading asynchronously (as every tracker here but Segment's
// UMD page is loaded) from the cost of omni's own start.
const READY_ONLY = ['baseline-blocking'];
// How long a burst's delivery is watched: until every event is stored, until the stored count
// has not moved for STALL_MS (longer than omni's 5 s batch age and first retries), or at most
// DELIVERY_TIMEOUT_MS.
const DELIVERY_TIMEOUT_MS = 120000;
const STALL_MS = 8000;
const runId = Date.now().toString(36);
const started = Date.now();

const { chromium } = createRequire(join(web, 'package.json'))('playwright-core');
const log = (message) => console.error(`[browser-bench ${String(Math.round((Date.now() - started) / 1000)).padStart(3)}s] ${message}`);
// [3, 4, 5, 9] -> "3-5, 9"
const ranges = (numbers) => numbers.reduce((out, n) => {
  const last = out[out.length - 1];
  if (last && last[1] === n - 1) last[1] = n;
  else out.push([n, n]);
  return out;
}, []).map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const isLoopback = (url) => {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') return true;
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost';
};
const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

// The flags of tests/browser/support/browser.mjs, plus a resolver rule that makes every host
// name but loopback fail: a tracker that tries to reach the internet fails here instead of
// leaving the machine, and the request is still seen and reported (nonLoopbackRequests).
function launch() {
  return chromium.launch({
    executablePath: process.env.OMNI_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
  });
}

// Whatever main() started is stopped however it ends: the browser, the collector (its
// temporary folder with it) and the site folder.
async function main() {
  const site = mkdtempSync(join(tmpdir(), 'omni-browser-bench-site-'));
  let collector = null;
  try {
    collector = await startCollector({ binary: paths.collector, staticDir: site });
    const { snippetBytes } = await writeBenchSite(site, { origin: collector.url, writeKey: collector.writeKey,
      paths: { ...paths, profileWasmDir } });
    log(`collector ${collector.url}, site ${site}`);
    const browser = await launch();
    try {
      await measure({ collector, browser, snippetBytes });
    } finally {
      await browser.close();
    }
  } finally {
    if (collector) await collector.stop();
    rmSync(site, { recursive: true, force: true });
  }
}

async function measure({ collector, browser, snippetBytes }) {
  const origin = collector.url;
  const loadAverageAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  const nonLoopbackRequests = [];
  const pageUrl = (tracker) => `${origin}/${tracker}.html`;

  const newContext = async () => {
    const context = await browser.newContext();
    context.on('request', (request) => {
      if (!isLoopback(request.url())) nonLoopbackRequests.push({ url: request.url(), page: request.frame()?.url() });
    });
    return context;
  };

  const waitReady = async (page, tracker) => {
    await page.waitForFunction((name) => window.benchReadyAt !== undefined &&
      (name !== 'segment' || window.segment !== undefined), tracker, { timeout: 30000, polling: 20 });
  };

  // Ready time: fresh context (empty cache, storage and compiled-code cache) for every load, the
  // trackers interleaved so that a slow moment of the machine is shared among them. Round 0 is a
  // warm-up, not counted: the browser's and the collector's first page loads are slower for
  // reasons that have nothing to do with the trackers.
  async function readyRounds() {
    const loads = Object.fromEntries([...TRACKERS, ...READY_ONLY].map((t) => [t, []]));
    for (let round = 0; round <= LOADS; round++) {
      for (const tracker of [...TRACKERS, ...READY_ONLY]) {
        const context = await newContext();
        const page = await context.newPage();
        await page.goto(pageUrl(tracker));
        await waitReady(page, tracker);
        const timings = await page.evaluate(loadTimings);
        if (round > 0) loads[tracker].push(timings);
        await context.close();
      }
    }
    return loads;
  }

  // The burst page is served cross-origin isolated (COOP + COEP added by Playwright to the HTML
  // document only), which gives performance.now() 5 µs steps instead of 100 µs. Every script and
  // wasm the page fetches, lazily loaded chunks included, is kept for the byte count.
  async function burstRun(tracker) {
    const context = await newContext();
    await context.addInitScript(captureWasmMemories);
    await context.route(pageUrl(tracker), async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(),
        'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } });
    });
    const page = await context.newPage();
    const downloads = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (response.request().resourceType() !== 'script' && !path.endsWith('.wasm')) return;
      downloads.push(response.body().then((body) => ({ path, raw: body.length, brotli: brotli(body),
        sha256: createHash('sha256').update(body).digest('hex').slice(0, 12) }),
        (error) => ({ path, error: String(error.message || error) })));
    });
    // The requests that carry events, and those the browser failed (refused, aborted, ...).
    const network = { posts: 0, failed: 0, failures: {} };
    page.on('request', (request) => { if (request.method() === 'POST') network.posts++; });
    page.on('requestfailed', (request) => {
      if (request.method() !== 'POST') return;
      const reason = (request.failure() && request.failure().errorText) || 'unknown';
      network.failed++;
      network.failures[reason] = (network.failures[reason] || 0) + 1;
    });
    await page.goto(pageUrl(tracker));
    await waitReady(page, tracker);
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const heapReadyBytes = await heap();
    const resolutionUs = await page.evaluate(timerResolutionUs);
    if (tracker === 'omni') await page.evaluate(countOmniErrors);
    const name = `Burst ${tracker} ${runId}`;
    const burstStarted = Date.now();
    const result = await page.evaluate(burst, { tracker, name, ...BURST });
    // The calls' promises and the collector are watched together: Segment's resolve on delivery.
    const [settled, stored] = await Promise.all([
      page.evaluate(settlePending, { timeoutMs: DELIVERY_TIMEOUT_MS }),
      collector.waitForEvents(name, BURST_EVENTS, { timeoutMs: DELIVERY_TIMEOUT_MS, pollMs: 250, stallMs: STALL_MS }),
    ]);
    const deliveredWithinMs = stored.reachedMs === null ? null : Date.now() - burstStarted - result.burstMs;
    await sleep(500);  // anything the tracker still sends lands before the heap is read
    const heapAfterBytes = await heap();
    const wasmBytes = await page.evaluate(wasmMemoryBytes);
    const errors = tracker === 'omni' ? await page.evaluate(() => window.benchOmniErrors) : undefined;
    const events = await collector.eventsNamed(name);
    const indexes = events.map((e) => e.properties && e.properties.i).filter(Number.isInteger);
    const files = await Promise.all(downloads);
    await context.close();
    return {
      result, settled, resolutionUs, heapReadyBytes, heapAfterBytes, wasmBytes, files, deliveredWithinMs, errors, network,
      delivered: {
        sent: BURST_EVENTS, stored: events.length,
        distinctMessageIds: new Set(events.map((e) => e.messageId)).size,
        distinctIndexes: new Set(indexes).size,
        lowestIndex: indexes.length ? Math.min(...indexes) : null,
        highestIndex: indexes.length ? Math.max(...indexes) : null,
      },
    };
  }

  // 100 calls, 50 ms, the tab closes (pagehide runs); the same context opens the page again,
  // as a shopper coming back, and the collector is read for up to 10 s (then 1 s more, so that
  // anything sent twice would show). Repeated CLOSE_TRIALS times, each in a fresh context.
  async function tabClose(tracker, trial) {
    const context = await newContext();
    const first = await context.newPage();
    await first.goto(pageUrl(tracker));
    await waitReady(first, tracker);
    const name = `Close ${tracker} ${runId} ${trial}`;
    await first.evaluate(trackMany, { tracker, name, count: 100 });
    await sleep(50);
    await first.close({ runBeforeUnload: true });
    const again = await context.newPage();
    await again.goto(pageUrl(tracker));
    const waited = await collector.waitForEvents(name, 100, { timeoutMs: 10000 });
    await sleep(1000);
    const events = await collector.eventsNamed(name);
    await context.close();
    const indexes = new Set(events.map((e) => e.properties && e.properties.i));
    return {
      stored: events.length, reachedMs: waited.reachedMs,
      distinctMessageIds: new Set(events.map((e) => e.messageId)).size,
      distinctIndexes: indexes.size,
      missing: ranges(Array.from({ length: 100 }, (_, i) => i).filter((i) => !indexes.has(i))),
    };
  }

  // The same burst on the unminified facade (and, when bench/browser/run could link it, a wasm
  // with function names), under the sampling profiler: the calls themselves (samples under
  // burst()), then what runs after them until every promise settled (commit, first sends).
  async function profileOmni() {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/profile/omni.html`);
    await waitReady(page, 'omni');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
    const timed = await page.evaluate(burst, { tracker: 'omni', name: `Profile omni ${runId}`, ...BURST });
    const settled = await page.evaluate(settlePending, { timeoutMs: DELIVERY_TIMEOUT_MS });
    const profile = (await cdp.send('Profiler.stop')).profile;
    await context.close();
    const names = exportedWasmNames(join(profileWasmDir, 'omni.wasm'));
    return {
      note: `unminified facade, ${profileWasmDir === paths.wasmDir ? 'release wasm (no function names)' : 'wasm linked with --profiling-funcs'}; ` +
        'sampling every 50 µs, which slows the calls',
      burstMs: timed.burstMs, medianUsUnderProfiler: median(timed.perCallUs), settleMs: settled.settleMs,
      calls: summarizeProfile(profile, names, { under: 'burst' }),
      after: summarizeProfile(profile, names, { notUnder: 'burst' }),
    };
  }

  log(`ready time: ${LOADS} fresh loads per tracker`);
  const loads = await readyRounds();
  const bursts = {};
  for (const tracker of TRACKERS) {
    log(`${tracker}: burst of ${BURST_EVENTS} track() calls`);
    bursts[tracker] = await burstRun(tracker);
  }
  const closes = Object.fromEntries(TRACKERS.map((t) => [t, []]));
  for (let trial = 1; trial <= CLOSE_TRIALS; trial++) {
    for (const tracker of TRACKERS) {
      log(`${tracker}: tab closed 50 ms after 100 calls` + (CLOSE_TRIALS > 1 ? ` (trial ${trial})` : ''));
      closes[tracker].push(await tabClose(tracker, trial));
    }
  }
  log('omni: CPU profile of the burst');
  const profile = await profileOmni();

  const rows = {};
  for (const tracker of TRACKERS) {
    const run = bursts[tracker];
    const files = [...run.files];
    if (tracker === 'omni') {
      const bytes = readFileSync(join(paths.dist, 'snippet.min.js'));
      files.unshift({ path: '(inline snippet, web/dist/snippet.min.js)', raw: bytes.length, brotli: brotli(bytes) });
    }
    rows[tracker] = {
      bytes: { brotli: files.reduce((sum, f) => sum + (f.brotli || 0), 0),
        raw: files.reduce((sum, f) => sum + (f.raw || 0), 0), files },
      track: {
        medianUs: median(run.result.perCallUs), p95Us: quantile(run.result.perCallUs, 0.95),
        minUs: quantile(run.result.perCallUs, 0), maxUs: quantile(run.result.perCallUs, 1),
        burstMs: run.result.burstMs, promises: run.result.promises, settleMs: run.settled.settleMs,
        settled: run.settled, crossOriginIsolated: run.result.crossOriginIsolated,
        timerResolutionUs: run.resolutionUs,
      },
      ready: {
        medianMs: median(loads[tracker].map((l) => l.readyMs)),
        loadsMs: loads[tracker].map((l) => Math.round(l.readyMs * 10) / 10),
        loads: loads[tracker],
      },
      heap: { jsReadyBytes: run.heapReadyBytes, jsUsedBytes: run.heapAfterBytes, wasmBytes: run.wasmBytes },
      delivered: { ...run.delivered, withinMs: run.deliveredWithinMs, network: run.network },
      errors: run.errors,
      // The worst trial (fewest calls stored, then most duplicates) stands for the tracker.
      tabClose: { ...closes[tracker].reduce((worst, t) => (t.distinctIndexes < worst.distinctIndexes ||
        (t.distinctIndexes === worst.distinctIndexes && t.stored > worst.stored) ? t : worst)), trials: closes[tracker] },
    };
  }
  const budgets = checkBudgets(rows);
  const results = {
    runId, date: new Date().toISOString(), durationS: Math.round((Date.now() - started) / 1000),
    machine: { loadAverageAtStart, cpu: cpus()[0].model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100), chromium: browser.version(),
      node: process.version },
    snippetBytes, rows, budgets, profile, nonLoopbackRequests,
    readyOnly: Object.fromEntries(READY_ONLY.map((t) => [t, {
      medianMs: median(loads[t].map((l) => l.readyMs)),
      loadsMs: loads[t].map((l) => Math.round(l.readyMs * 10) / 10),
    }])),
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');

  printReport(results, { trackers: TRACKERS, burst: BURST, loads: LOADS });
  console.log(`\nresults: ${outFile}`);
}

main().catch((error) => {
  console.error('browser-bench failed:', error);
  process.exit(1);
});
